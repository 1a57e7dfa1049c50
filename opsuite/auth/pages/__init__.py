"""The accounts pages: signing in and out (sign_in), one's own profile and API tokens (profile),
and two-factor sign-in (twofactor). ``auth.register`` adds them, with the JSON of auth/api.py
after the profile pages."""
