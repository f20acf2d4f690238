package main

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/whgen/whgen/oas"
)

// errBadCursor is the detail of a 400 response to a cursor that this server
// did not issue.
var errBadCursor = errors.New("invalid cursor: pass the X-Next-Cursor value of the previous page unchanged")

// encodeCursor returns the X-Next-Cursor value that continues after pos.
// Clients treat it as opaque. It is base64url of "<created ms>/<pet id>".
func encodeCursor(pos petPosition) string {
	raw := strconv.FormatInt(pos.CreatedAt, 10) + "/" + pos.ID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// decodeCursor parses a value of encodeCursor.
func decodeCursor(cursor string) (petPosition, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return petPosition{}, errBadCursor
	}
	ms, id, ok := strings.Cut(string(raw), "/")
	created, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || !oas.CheckFormat("uuid", id) {
		return petPosition{}, errBadCursor
	}
	return petPosition{CreatedAt: created, ID: id}, nil
}
