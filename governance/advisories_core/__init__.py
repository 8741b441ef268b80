"""Security advisories in the OSV format, pure: reading records (one file, a folder, the zip
osv.dev publishes per ecosystem), the ecosystems' names and version orders (univers), and
whether a version falls in an advisory's affected ranges."""
