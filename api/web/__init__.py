"""The supervisors' web page: server-rendered HTML (Jinja2), no build step."""
