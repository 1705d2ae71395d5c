package dynamo

import (
	"fmt"
	"strconv"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/fediverse"
)

// StreamLifecycle reads a record of the table's stream into what the
// fediverse needs to know of it: whether its article was live before and
// after (published, not deleted, not pending release) and both versions.
// ok is false for a record that is not about a canonical article item.
// Only those five attributes are read.
func StreamLifecycle(r *events.DynamoDBStreamRecord) (fediverse.Lifecycle, bool, error) {
	sk, found := r.Keys[AttrSK]
	if !found || sk.DataType() != events.DataTypeString || sk.String() != skArticle {
		return fediverse.Lifecycle{}, false, nil
	}
	var l fediverse.Lifecycle
	var err error
	if l.WasLive, l.OldVersion, l.ID, err = imageLive(r.OldImage, l.ID); err != nil {
		return l, true, fmt.Errorf("old image: %w", err)
	}
	if l.IsLive, l.NewVersion, l.ID, err = imageLive(r.NewImage, l.ID); err != nil {
		return l, true, fmt.Errorf("new image: %w", err)
	}
	if l.ID == "" {
		return l, true, fmt.Errorf("record has no article id")
	}
	return l, true, nil
}

func imageLive(image map[string]events.DynamoDBAttributeValue, id string) (live bool, version int64, _ string, err error) {
	if len(image) == 0 {
		return false, 0, id, nil
	}
	if v, ok := image[attrID]; ok && v.DataType() == events.DataTypeString {
		id = v.String()
	}
	if v, ok := image[attrVersion]; ok && v.DataType() == events.DataTypeNumber {
		if version, err = strconv.ParseInt(v.Number(), 10, 64); err != nil {
			return false, 0, id, fmt.Errorf("version %q: %w", v.Number(), err)
		}
	}
	flag := func(name string) bool {
		v, ok := image[name]
		return ok && v.DataType() == events.DataTypeBoolean && v.Boolean()
	}
	status := ""
	if v, ok := image["status"]; ok && v.DataType() == events.DataTypeString {
		status = v.String()
	}
	return status == "published" && !flag("deleted") && !flag(attrPending), version, id, nil
}
