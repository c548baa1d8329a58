"""One module per CLI step: `configure(parser)` adds its options, `run(args)` returns a dict."""
