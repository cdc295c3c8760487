"""One router per area of the web app; each route declares its action."""
