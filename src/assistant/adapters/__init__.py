"""Leaves: every module here may import a framework or a vendor client; the core never imports them."""
