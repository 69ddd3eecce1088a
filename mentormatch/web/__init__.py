"""The web layer: each area's routes as a module, and the admin area. Nothing below imports it."""
