package params

import (
	"errors"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var limitSpec = &Spec{Name: "limit", In: InQuery}

// convertCase is one input to a conversion method and its outcome.
type convertCase struct {
	text  string
	want  any
	err   string
	cause error
}

// checkConvert runs convert on each case.
func checkConvert(t *testing.T, tests []convertCase, convert func(string) (any, error)) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := convert(tt.text)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.err {
				t.Errorf("got error %q, want %q", gotErr, tt.err)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("got error %v, want one that wraps %v", err, tt.cause)
			}
			if tt.err == "" && got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

const limitPrefix = `query parameter "limit": `

func TestParseInt32(t *testing.T) {
	checkConvert(t, []convertCase{
		{text: "42", want: int32(42)},
		{text: "-2147483648", want: int32(math.MinInt32)},
		{text: "+7", want: int32(7)},
		{text: "2147483648", err: limitPrefix + `integer out of range "2147483648"`, cause: strconv.ErrRange},
		{text: "12x", err: limitPrefix + `invalid integer "12x"`, cause: strconv.ErrSyntax},
		{text: "", err: limitPrefix + `invalid integer ""`, cause: strconv.ErrSyntax},
		{text: "1_000", err: limitPrefix + `invalid integer "1_000"`, cause: strconv.ErrSyntax},
		{text: "1.0", err: limitPrefix + `invalid integer "1.0"`, cause: strconv.ErrSyntax},
		{text: " 1", err: limitPrefix + `invalid integer " 1"`, cause: strconv.ErrSyntax},
	}, func(s string) (any, error) { return limitSpec.ParseInt32(s) })
}

func TestParseInt64(t *testing.T) {
	checkConvert(t, []convertCase{
		{text: "9223372036854775807", want: int64(math.MaxInt64)},
		{text: "-1", want: int64(-1)},
		{text: "9223372036854775808", err: limitPrefix + `integer out of range "9223372036854775808"`,
			cause: strconv.ErrRange},
		{text: "0x10", err: limitPrefix + `invalid integer "0x10"`, cause: strconv.ErrSyntax},
	}, func(s string) (any, error) { return limitSpec.ParseInt64(s) })
}

func TestParseFloat(t *testing.T) {
	checkConvert(t, []convertCase{
		{text: "1.5", want: 1.5},
		{text: "-2e3", want: -2000.0},
		{text: "1e400", err: limitPrefix + `number out of range "1e400"`, cause: strconv.ErrRange},
		{text: "NaN", err: limitPrefix + `invalid number "NaN"`, cause: strconv.ErrSyntax},
		{text: "Inf", err: limitPrefix + `invalid number "Inf"`, cause: strconv.ErrSyntax},
		{text: "0x1p3", err: limitPrefix + `invalid number "0x1p3"`, cause: strconv.ErrSyntax},
		{text: "1..2", err: limitPrefix + `invalid number "1..2"`, cause: strconv.ErrSyntax},
		{text: "", err: limitPrefix + `invalid number ""`, cause: strconv.ErrSyntax},
	}, func(s string) (any, error) { return limitSpec.ParseFloat64(s) })

	checkConvert(t, []convertCase{
		{text: "0.25", want: float32(0.25)},
		{text: "1e39", err: limitPrefix + `number out of range "1e39"`, cause: strconv.ErrRange},
	}, func(s string) (any, error) { return limitSpec.ParseFloat32(s) })
}

func TestParseBool(t *testing.T) {
	checkConvert(t, []convertCase{
		{text: "true", want: true},
		{text: "false", want: false},
		{text: "1", err: limitPrefix + `invalid boolean "1"`, cause: strconv.ErrSyntax},
		{text: "True", err: limitPrefix + `invalid boolean "True"`, cause: strconv.ErrSyntax},
	}, func(s string) (any, error) { return limitSpec.ParseBool(s) })
}

func TestParseDateTime(t *testing.T) {
	zone := time.FixedZone("", 2*3600)
	checkConvert(t, []convertCase{
		{text: "2024-02-29T12:30:00Z", want: timeKey(time.Date(2024, 2, 29, 12, 30, 0, 0, time.UTC))},
		{text: "2024-02-29T12:30:00.5+02:00", want: timeKey(time.Date(2024, 2, 29, 12, 30, 0, 5e8, zone))},
		{text: "2024-02-29T12:30:00 02:00", want: timeKey(time.Date(2024, 2, 29, 12, 30, 0, 0, zone))},
		{text: "2024-02-29", err: limitPrefix + `invalid date-time "2024-02-29"`},
		{text: "2023-02-29T00:00:00Z", err: limitPrefix + `invalid date-time "2023-02-29T00:00:00Z"`},
	}, func(s string) (any, error) {
		tm, err := limitSpec.ParseDateTime(s)
		return timeKey(tm), err
	})
}

func TestParseDate(t *testing.T) {
	checkConvert(t, []convertCase{
		{text: "2024-02-29", want: timeKey(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC))},
		{text: "2023-02-29", err: limitPrefix + `invalid date "2023-02-29"`},
		{text: "2024-2-1", err: limitPrefix + `invalid date "2024-2-1"`},
	}, func(s string) (any, error) {
		tm, err := limitSpec.ParseDate(s)
		return timeKey(tm), err
	})
}

// timeKey returns t's instant and zone offset as a comparable string,
// because time.Time values with equal instants can differ in location.
func timeKey(t time.Time) string {
	return t.Format(time.RFC3339Nano)
}

func TestFormatTimes(t *testing.T) {
	tm := time.Date(2024, 2, 29, 23, 59, 1, 5e8, time.FixedZone("", -5*3600))
	if got, want := FormatDateTime(tm), "2024-02-29T23:59:01.5-05:00"; got != want {
		t.Errorf("FormatDateTime: got %q, want %q", got, want)
	}
	if got, want := FormatDate(tm), "2024-02-29"; got != want {
		t.Errorf("FormatDate: got %q, want %q", got, want)
	}
	back, err := limitSpec.ParseDateTime(FormatDateTime(tm))
	if err != nil || !back.Equal(tm) {
		t.Errorf("ParseDateTime(FormatDateTime): got %v, %v, want %v, nil", back, err, tm)
	}
}

func TestParseItems(t *testing.T) {
	ids := &Spec{Name: "ids", In: InQuery}
	got, err := ParseItems([]string{"1", "2", "3"}, ids.ParseInt64)
	if err != nil {
		t.Fatalf("got error %v, want nil", err)
	}
	if diff := cmp.Diff([]int64{1, 2, 3}, got); diff != "" {
		t.Errorf("items mismatch (-want +got):\n%s", diff)
	}

	_, err = ParseItems([]string{"1", "x"}, ids.ParseInt64)
	want := `query parameter "ids": invalid integer "x" at index 1`
	if err == nil || err.Error() != want {
		t.Errorf("got error %v, want %q", err, want)
	}
	if !errors.Is(err, strconv.ErrSyntax) {
		t.Errorf("got error %v, want one that wraps strconv.ErrSyntax", err)
	}

	plain := errors.New("plain")
	_, err = ParseItems([]string{"x"}, func(string) (int, error) { return 0, plain })
	if err != plain {
		t.Errorf("got error %v, want the parse error unchanged", err)
	}
}

func TestFormatItems(t *testing.T) {
	got := FormatItems([]bool{true, false}, strconv.FormatBool)
	if diff := cmp.Diff([]string{"true", "false"}, got); diff != "" {
		t.Errorf("items mismatch (-want +got):\n%s", diff)
	}
}
