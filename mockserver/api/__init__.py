"""HTTP pipeline: spec -> routes (404/405) -> validate (400/413/415/422) -> handlers -> store -> serialize, as one ASGI app."""
