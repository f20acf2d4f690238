package generator

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/whgen/whgen/templates"
)

// tableData is the data that table.go.tmpl prints; every value is Go source.
type tableData struct {
	SpecFile   string
	Package    string
	Operations []tableRow
	Webhooks   []tableRow
	All        []tableRow
}

type tableRow struct {
	Var, What, ID, Method, Path, Tags, Security, Name string
	Webhook                                           bool
}

func renderTable(m *Model) ([]byte, error) {
	data := tableData{SpecFile: sanitizeLine(m.SpecFile), Package: m.Package}
	for _, o := range m.Operations {
		row := newTableRow(o)
		data.Operations = append(data.Operations, row)
		data.All = append(data.All, row)
	}
	paths := map[*Operation]string{}
	if m.Receiver != nil {
		for _, w := range m.Receiver.Webhooks {
			paths[w.Op] = w.Path
		}
	}
	for _, o := range m.Webhooks {
		row := newTableRow(o)
		row.Path = strconv.Quote(paths[o])
		data.Webhooks = append(data.Webhooks, row)
		data.All = append(data.All, row)
	}
	var buf bytes.Buffer
	if err := templates.All.ExecuteTemplate(&buf, "table.go.tmpl", data); err != nil {
		return nil, err
	}
	return gofmt(buf.Bytes())
}

func newTableRow(o *Operation) tableRow {
	row := tableRow{
		Var:     o.GoName + "Operation",
		ID:      strconv.Quote(o.ID),
		Method:  strconv.Quote(o.Method),
		Path:    strconv.Quote(o.Path),
		Webhook: o.Webhook,
	}
	if o.Webhook {
		row.What = fmt.Sprintf("the webhook %s", strconv.Quote(o.Name))
		row.Name = strconv.Quote(o.Name)
	} else {
		row.What = fmt.Sprintf("the operation %s %s", o.Method, strconv.Quote(o.Path))
	}
	row.What = sanitizeLine(row.What)
	if len(o.Tags) > 0 {
		row.Tags = "[]string{" + quoteAll(o.Tags) + "}"
	}
	if len(o.Security) > 0 {
		var alts []string
		for _, alt := range o.Security {
			var parts []string
			for _, s := range alt {
				scopes := "nil"
				if len(s.Scopes) > 0 {
					scopes = "{" + quoteAll(s.Scopes) + "}"
				}
				parts = append(parts, strconv.Quote(s.Scheme)+": "+scopes)
			}
			alts = append(alts, "{"+strings.Join(parts, ", ")+"}")
		}
		row.Security = "[]middleware.SecurityRequirement{" + strings.Join(alts, ", ") + "}"
	}
	return row
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
