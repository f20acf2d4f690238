package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/whgen/whgen/store"
	"github.com/whgen/whgen/store/storetest"
)

func itemSteps() []store.Migration {
	return []store.Migration{
		{Version: 1, Name: "create items", Statements: []string{
			"CREATE TABLE whgen_items (id BIGINT PRIMARY KEY, label TEXT NOT NULL)",
		}},
		{Version: 2, Name: "index labels", Statements: []string{
			"CREATE INDEX whgen_items_label ON whgen_items (label)",
			"INSERT INTO whgen_items (id, label) VALUES (1, 'seeded')",
		}},
	}
}

func TestMigrateAppliesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for run := 1; run <= 3; run++ {
			if err := db.Migrate(ctx, "items", itemSteps()); err != nil {
				t.Fatalf("run %d: %v", run, err)
			}
		}
		assertCount(t, db, "SELECT count(*) FROM whgen_items", 1)
		assertCount(t, db, "SELECT count(*) FROM whgen_schema_migrations WHERE component = 'items'", 2)
	})
}

func TestMigrateAddsLaterSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx, "items", itemSteps()[:1]); err != nil {
			t.Fatalf("first release: %v", err)
		}
		assertCount(t, db, "SELECT count(*) FROM whgen_items", 0)
		if err := db.Migrate(ctx, "items", itemSteps()); err != nil {
			t.Fatalf("second release: %v", err)
		}
		assertCount(t, db, "SELECT count(*) FROM whgen_items", 1)
	})
}

func TestMigrateComponentsAreIndependent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		other := []store.Migration{{Version: 1, Name: "create others", Statements: []string{
			"CREATE TABLE whgen_others (id BIGINT)",
		}}}
		if err := db.Migrate(ctx, "items", itemSteps()); err != nil {
			t.Fatalf("items: %v", err)
		}
		if err := db.Migrate(ctx, "others", other); err != nil {
			t.Fatalf("others: %v", err)
		}
		assertCount(t, db, "SELECT count(*) FROM whgen_schema_migrations", 3)
	})
}

func TestMigrateRollsBackFailedStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx, "items", itemSteps()[:1]); err != nil {
			t.Fatalf("first release: %v", err)
		}
		steps := append(itemSteps(), store.Migration{Version: 3, Name: "broken", Statements: []string{
			"INSERT INTO whgen_items (id, label) VALUES (2, 'kept only if all succeed')",
			"INSERT INTO no_such_table VALUES (1)",
		}})
		err := db.Migrate(ctx, "items", steps)
		if err == nil {
			t.Fatal("Migrate succeeded, want error from the broken step")
		}
		if want := "version 3 (broken), statement 2"; !strings.Contains(err.Error(), want) {
			t.Errorf("got error %q, want it to contain %q", err, want)
		}
		// Version 2 succeeded before version 3 failed, but it shares the
		// transaction, so neither its row nor its record may remain.
		assertCount(t, db, "SELECT count(*) FROM whgen_schema_migrations", 1)
		assertCount(t, db, "SELECT count(*) FROM whgen_items", 0)

		// The connection went back to the pool; it must not still be inside
		// the failed transaction.
		if err := db.Migrate(ctx, "items", itemSteps()); err != nil {
			t.Fatalf("Migrate after failure: %v", err)
		}
		assertCount(t, db, "SELECT count(*) FROM whgen_items", 1)
	})
}

func TestMigrateRejectsRenamedStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx, "items", itemSteps()); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		renamed := itemSteps()
		renamed[1].Name = "something else"
		err := db.Migrate(ctx, "items", renamed)
		want := `version 2 is recorded as "index labels" but this program calls it "something else"`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got error %v, want it to contain %q", err, want)
		}
	})
}

func TestMigrateValidatesSteps(t *testing.T) {
	stmt := []string{"SELECT 1"}
	tests := []struct {
		name      string
		component string
		steps     []store.Migration
		want      string
	}{
		{"empty component", "", nil, "empty component name"},
		{"zero version", "c", []store.Migration{{Version: 0, Name: "a", Statements: stmt}}, "must be positive"},
		{"descending", "c", []store.Migration{
			{Version: 2, Name: "a", Statements: stmt}, {Version: 1, Name: "b", Statements: stmt},
		}, "version 1 (b) must be positive and greater than 2"},
		{"no name", "c", []store.Migration{{Version: 1, Statements: stmt}}, "version 1 has no name"},
		{"no statements", "c", []store.Migration{{Version: 1, Name: "a"}}, "has no statements"},
	}
	db := storetest.SQLite(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Migrate(context.Background(), tt.component, tt.steps)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestMigrateConcurrentProcesses opens one handle per simulated process on
// the same database and migrates from all of them at once.
func TestMigrateConcurrentProcesses(t *testing.T) {
	const processes = 6
	engines := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return storetest.SQLiteDSN(t) }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresSchemaDSN(t) }},
	}
	for _, engine := range engines {
		t.Run(engine.name, func(t *testing.T) {
			dsn := engine.dsn(t)
			ctx := context.Background()
			handles := make([]*store.DB, processes)
			for i := range handles {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatalf("open handle %d: %v", i, err)
				}
				defer db.Close()
				handles[i] = db
			}

			var wg sync.WaitGroup
			errs := make([]error, processes)
			for i, db := range handles {
				wg.Go(func() { errs[i] = db.Migrate(ctx, "items", itemSteps()) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("process %d: %v", i, err)
				}
			}
			assertCount(t, handles[0], "SELECT count(*) FROM whgen_items", 1)
			assertCount(t, handles[0], "SELECT count(*) FROM whgen_schema_migrations", 2)
		})
	}
}

func assertCount(t *testing.T, db *store.DB, query string, want int) {
	t.Helper()
	var got int
	if err := db.QueryRowContext(context.Background(), query).Scan(&got); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	if got != want {
		t.Errorf("%s: got %d, want %d", query, got, want)
	}
}

func ExampleDB_Migrate() {
	ctx := context.Background()
	db, err := store.Open(ctx, ":memory:")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	steps := []store.Migration{{
		Version: 1,
		Name:    "create notes",
		Statements: []string{
			"CREATE TABLE whgen_notes (id BIGINT PRIMARY KEY, body " + db.Dialect.BlobType() + ")",
		},
	}}
	if err := db.Migrate(ctx, "notes", steps); err != nil {
		fmt.Println(err)
		return
	}

	insert := db.Rebind("INSERT INTO whgen_notes (id, body) VALUES (?, ?)")
	if _, err := db.ExecContext(ctx, insert, 1, []byte("hello")); err != nil {
		fmt.Println(err)
		return
	}
	var body []byte
	db.QueryRowContext(ctx, db.Rebind("SELECT body FROM whgen_notes WHERE id = ?"), 1).Scan(&body)
	fmt.Printf("%s on %s\n", body, db.Dialect)
	// Output: hello on sqlite
}
