"""The app's shared helpers (view, cached engine calls, session files, headline cards): imported by app.py and app_pages/, never pages themselves."""
