"""The REST API (django-ninja): per-clinic tokens, session auth, cursor pages, one error shape."""
