"""Programme reports: the figures, tables and charts behind /admin/reports."""
