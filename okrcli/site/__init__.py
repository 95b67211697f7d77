"""``okr site``: a static dashboard of every quarter, built in process on the core."""
