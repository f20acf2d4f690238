package generator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
)

// checkExternalRefs checks the references of the document into other
// files: each file must be readable under the rules of localFileReader,
// and must contain what the reference's fragment names. kin-openapi stops
// at the first such problem and reports it without a location. References
// inside the other files are left to kin-openapi.
func checkExternalRefs(path string, refs []refUse) Diagnostics {
	if len(refs) == 0 {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	read := localFileReader(filepath.Dir(abs))
	base := &url.URL{Path: filepath.ToSlash(abs)}
	type file struct {
		tree any
		err  error
	}
	files := map[string]file{}
	var diags Diagnostics
	fail := func(use refUse, format string, args ...any) {
		diags = append(diags, Diagnostic{Severity: Error, Pointer: use.pointer + "/$ref", Message: fmt.Sprintf(format, args...)})
	}
	for _, use := range refs {
		u, err := url.Parse(use.ref)
		if err != nil {
			fail(use, "reference %q is not a valid URI reference", use.ref)
			continue
		}
		location := base.ResolveReference(u)
		location.Fragment = ""
		key := location.String()
		f, seen := files[key]
		if !seen {
			var data []byte
			if data, f.err = read(nil, location); f.err == nil {
				f.err = json.Unmarshal(data, &f.tree)
			}
			files[key] = f
		}
		switch {
		case errors.Is(f.err, fs.ErrNotExist):
			fail(use, "reference %q names the file %s, which does not exist", use.ref, u.Path)
		case f.err != nil:
			fail(use, "reference %q cannot be read: %v", use.ref, f.err)
		case u.Fragment != "":
			if _, found := lookupPointer(f.tree, "#"+u.EscapedFragment()); !found {
				fail(use, "reference %q points to nothing: %s has no %s", use.ref, u.Path, u.Fragment)
			}
		}
	}
	return diags
}
