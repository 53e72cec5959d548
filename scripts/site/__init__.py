"""The documentation site: one module per page family, all reading `context.Site` and writing HTML only
through `html` (the one text boundary); `build` stages the pages and runs MkDocs."""
