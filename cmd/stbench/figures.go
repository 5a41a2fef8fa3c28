package main

// figures is the whole set: one check per line of the table, in the order
// printed. Each names the package and the -bench regexp that produce it,
// the result it reads (its full name without GOMAXPROCS) and the metric
// units it accepts: the first unit the result reports is measured, so that
// a benchmark can rename a metric with the table listing both names for a
// while. The baseline is the "now" value for the same check.
//
// The regexps and units are those the benchmarks report today; when a
// benchmark changes, this table is the one place to change.
var figures = []check{
	{figure: "P1", what: "10,000 directory people, door vs plain client", pkg: "./connector/googlehttp",
		bench: "^BenchmarkListDirectory$", name: `^BenchmarkListDirectory$`, units: []string{"door/plain"},
		baseline: 1.16, baselineText: "1.11–1.16×", goal: atMost(1.05), benchtime: "3x"},

	{figure: "P2", what: "audit appends/s, SQLite, 8 writers", pkg: "./scopes/audit",
		bench: "^BenchmarkAppend$", name: `^BenchmarkAppend/sqlite/writers=8$`, units: []string{"appends/s"},
		baseline: 10_000, baselineText: "8.2–10k/s", goal: atLeast(100_000), benchtime: "2000x"},
	{figure: "P2", what: "audit appends/s, SQLite, 1 writer", pkg: "./scopes/audit",
		bench: "^BenchmarkAppend$", name: `^BenchmarkAppend/sqlite/writers=1$`, units: []string{"appends/s"},
		goal: atLeast(5_000), benchtime: "2000x"},
	{figure: "P2", what: "audit appends/s, PostgreSQL, 8 writers", pkg: "./scopes/audit",
		bench: "^BenchmarkAppend$", name: `^BenchmarkAppend/postgres/writers=8$`, units: []string{"appends/s"},
		baseline: 3_500, baselineText: "3.5k/s", goal: atLeast(20_000), benchtime: "2000x", postgres: true},
	{figure: "P2", what: "audit appends/s, PostgreSQL, 1 writer", pkg: "./scopes/audit",
		bench: "^BenchmarkAppend$", name: `^BenchmarkAppend/postgres/writers=1$`, units: []string{"appends/s"},
		goal: atLeast(5_000), benchtime: "2000x", postgres: true},

	// Until the benchmark reports the door against the machine's limit
	// (the lower of io.Copy and md5), x-plain is the door against io.Copy
	// alone: a lower ratio, so a pass on it is a pass on the goal.
	{figure: "P4", what: "1 GiB recording through the door vs the limit", pkg: "./connector/recordings",
		bench: "^BenchmarkDownload1GiB$", name: `^BenchmarkDownload1GiB/door$`, units: []string{"limit_ratio", "x-plain"},
		baseline: 0.67, baselineText: "0.67×", goal: atLeast(0.9), benchtime: "1x"},
	{figure: "P4", what: "1 GiB recording through the door, peak RSS (MiB)", pkg: "./connector/recordings",
		bench: "^BenchmarkDownload1GiB$", name: `^BenchmarkDownload1GiB/door$`, units: []string{"peak-RSS-MiB"},
		goal: atMost(64), benchtime: "1x"},

	{figure: "P6", what: "full sync of 100,000 people vs the fake's own time", pkg: "./connector/directory",
		bench: "^BenchmarkDirectoryFullSync100k$", name: `^BenchmarkDirectoryFullSync100k`, units: []string{"sync/fake"},
		goal: atMost(1.2), benchtime: "1x"},
	{figure: "P6", what: "full sync of 100,000 people, heap growth (MiB)", pkg: "./connector/directory",
		bench: "^BenchmarkDirectoryFullSync100k$", name: `^BenchmarkDirectoryFullSync100k`, units: []string{"live-heap-growth-MiB"},
		baseline: 114, baselineText: "+114 MiB", goal: atMost(32), benchtime: "1x"},

	{figure: "P7", what: "audit verify, entries/s, SQLite", pkg: "./scopes/audit",
		bench: "^BenchmarkVerify$", name: `^BenchmarkVerify/sqlite$`, units: []string{"entries/s"},
		baseline: 103_000, baselineText: "78–103k/s", goal: atLeast(1_000_000), benchtime: "3x"},
	{figure: "P7", what: "audit verify, entries/s, PostgreSQL", pkg: "./scopes/audit",
		bench: "^BenchmarkVerify$", name: `^BenchmarkVerify/postgres$`, units: []string{"entries/s"},
		baseline: 103_000, baselineText: "78–103k/s", goal: atLeast(1_000_000), benchtime: "3x", postgres: true},

	{figure: "P8", what: "least-privilege report, 1,000 grants, 1M calls (s), SQLite", pkg: "./scopes/report",
		bench: "^BenchmarkBuild$", name: `^BenchmarkBuild/sqlite$`, units: []string{"sec/op"},
		baseline: 0.36, baselineText: "0.36–0.7 s", goal: atMost(0.05), benchtime: "3x"},
	{figure: "P8", what: "least-privilege report, 1,000 grants, 1M calls (s), PostgreSQL", pkg: "./scopes/report",
		bench: "^BenchmarkBuild$", name: `^BenchmarkBuild/postgres$`, units: []string{"sec/op"},
		baseline: 0.36, baselineText: "0.36–0.7 s", goal: atMost(0.05), benchtime: "3x", postgres: true},

	{figure: "P9", what: "/audit/chain status over a verified trail (s), SQLite", pkg: "./scopes/audit",
		bench: "^BenchmarkStatus$", name: `^BenchmarkStatus/sqlite/entries=1000000$`, units: []string{"sec/op"},
		baselineText: "~1 s per 100k", goal: atMost(0.05), benchtime: "5x"},
	{figure: "P9", what: "/audit/chain status over a verified trail (s), PostgreSQL", pkg: "./scopes/audit",
		bench: "^BenchmarkStatus$", name: `^BenchmarkStatus/postgres/entries=1000000$`, units: []string{"sec/op"},
		baselineText: "~1 s per 100k", goal: atMost(0.05), benchtime: "5x", postgres: true},

	{figure: "P10", what: "32 signed-in clients during a sync: p99 (ms), SQLite", pkg: "./cmd/scopetrail",
		bench: "^BenchmarkPagesUnderLoad$", name: `^BenchmarkPagesUnderLoad/sqlite$`, units: []string{"p99-ms"},
		baseline: 264, baselineText: "264 ms", goal: atMost(100), benchtime: "3000x"},
	{figure: "P10", what: "32 signed-in clients during a sync: errors, SQLite", pkg: "./cmd/scopetrail",
		bench: "^BenchmarkPagesUnderLoad$", name: `^BenchmarkPagesUnderLoad/sqlite$`, units: []string{"errors"},
		baselineText: "0", goal: atMost(0), benchtime: "3000x"},
	{figure: "P10", what: "32 signed-in clients during a sync: req/s, SQLite", pkg: "./cmd/scopetrail",
		bench: "^BenchmarkPagesUnderLoad$", name: `^BenchmarkPagesUnderLoad/sqlite$`, units: []string{"req/s"},
		baseline: 510, baselineText: "510 req/s", goal: noGoal(), benchtime: "3000x"},
	{figure: "P10", what: "32 signed-in clients during a sync: trail entries, SQLite", pkg: "./cmd/scopetrail",
		bench: "^BenchmarkPagesUnderLoad$", name: `^BenchmarkPagesUnderLoad/sqlite$`, units: []string{"trail-entries"},
		baselineText: "small; goal at 1M", goal: noGoal(), benchtime: "3000x"},
	{figure: "P10", what: "32 signed-in clients during a sync: p99 (ms), PostgreSQL", pkg: "./cmd/scopetrail",
		bench: "^BenchmarkPagesUnderLoad$", name: `^BenchmarkPagesUnderLoad/postgres$`, units: []string{"p99-ms"},
		baseline: 264, baselineText: "264 ms", goal: atMost(100), benchtime: "3000x", postgres: true},
	{figure: "P10", what: "32 signed-in clients during a sync: errors, PostgreSQL", pkg: "./cmd/scopetrail",
		bench: "^BenchmarkPagesUnderLoad$", name: `^BenchmarkPagesUnderLoad/postgres$`, units: []string{"errors"},
		baselineText: "0", goal: atMost(0), benchtime: "3000x", postgres: true},
	{figure: "P10", what: "32 signed-in clients during a sync: req/s, PostgreSQL", pkg: "./cmd/scopetrail",
		bench: "^BenchmarkPagesUnderLoad$", name: `^BenchmarkPagesUnderLoad/postgres$`, units: []string{"req/s"},
		baseline: 510, baselineText: "510 req/s", goal: noGoal(), benchtime: "3000x", postgres: true},
	{figure: "P10", what: "32 signed-in clients during a sync: trail entries, PostgreSQL", pkg: "./cmd/scopetrail",
		bench: "^BenchmarkPagesUnderLoad$", name: `^BenchmarkPagesUnderLoad/postgres$`, units: []string{"trail-entries"},
		baselineText: "small; goal at 1M", goal: noGoal(), benchtime: "3000x", postgres: true},
}
