package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/newsdesk/syndicate/internal/fediverse"
)

// inboxServer is a follower's server: it records what its shared inbox
// receives.
type inboxServer struct {
	*httptest.Server
	mu   sync.Mutex
	got  []string
	sigs []string
}

func newInboxServer(t *testing.T) *inboxServer {
	s := &inboxServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.got = append(s.got, string(b))
		s.sigs = append(s.sigs, r.Header.Get("Signature"))
		s.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *inboxServer) take() (bodies, sigs []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bodies, sigs, s.got, s.sigs = s.got, s.sigs, nil, nil
	return bodies, sigs
}

// TestLocalFederation: make run announces to its followers what the
// federate function announces from the stream: nothing while a story is
// scheduled, a signed Create at its release, a Delete when it is deleted;
// one delivery per server.
func TestLocalFederation(t *testing.T) {
	srv, clock, a, at := scheduledServer(t)
	peer := newInboxServer(t)
	// The seed's own stories are announced as the server starts, in the
	// background: they must find no followers yet, or one that read the
	// followers after these are saved goes to the peer too.
	srv.announcer.Wait()
	for _, u := range []string{"ana", "bo"} {
		actor := peer.URL + "/users/" + u
		if err := srv.Store.SaveFollower(t.Context(), fediverse.Follower{Actor: actor, Inbox: actor + "/inbox", SharedInbox: peer.URL + "/inbox"}); err != nil {
			t.Fatal(err)
		}
	}
	srv.announcer.Wait()
	if got, _ := peer.take(); len(got) != 0 {
		t.Fatalf("a scheduled story was announced before its time: %v", got)
	}
	clock.set(at)
	if n, err := srv.ReleaseDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("ReleaseDue = %d, %v", n, err)
	}
	srv.announcer.Wait()
	got, sigs := peer.take()
	if len(got) != 1 || !strings.Contains(got[0], `"type":"Create"`) || !strings.Contains(got[0], "/ap/notes/"+a.ID+`"`) ||
		!strings.Contains(sigs[0], `headers="(request-target) host date digest content-type"`) {
		t.Fatalf("at release, the server got %v (signatures %v); want one signed Create for both followers", got, sigs)
	}

	r := httptest.NewRequest(http.MethodDelete, "/articles/"+a.ID, nil)
	r.Header.Set("Authorization", "Bearer local-token")
	r.Header.Set("If-Match", `"1"`)
	w := httptest.NewRecorder()
	srv.Handler.ServeHTTP(w, r)
	if w.Code != http.StatusNoContent {
		t.Fatalf("DELETE = %d %s", w.Code, w.Body)
	}
	srv.announcer.Wait()
	if got, _ := peer.take(); len(got) != 1 || !strings.Contains(got[0], `"type":"Delete"`) || !strings.Contains(got[0], `"type":"Tombstone"`) {
		t.Fatalf("after the delete, the server got %v; want one Delete with a Tombstone", got)
	}
	if w := get(t, srv.Handler, "/ap/notes/"+a.ID, ""); w.Code != http.StatusGone {
		t.Errorf("the deleted story's Note = %d, want 410", w.Code)
	}
}
