"""Accounts are managed through clinic pages (invitations), not through the admin site."""
