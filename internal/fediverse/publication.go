package fediverse

import (
	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/config"
)

// PublicationOf is the newsroom's account as cfg configures it, without
// its public key: the fediverse routes add theirs, and the preview studio
// needs none to draw a story's Note.
func PublicationOf(cfg config.Config) *activitypub.Publication {
	return &activitypub.Publication{
		BaseURL: cfg.BaseURL, Handle: cfg.FediverseHandle, Domain: cfg.FediverseDomain,
		Name: cfg.SiteName, Summary: cfg.FediverseSummary, SiteURL: activitypub.SiteRoot(cfg.SiteURL),
		IconURL: cfg.FediverseIconURL, HeaderURL: cfg.FediverseHeaderURL, Language: cfg.Language,
	}
}
