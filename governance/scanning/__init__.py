"""Pure core: scanning packages with scancode-toolkit and extractcode (no Flask, no database)."""
