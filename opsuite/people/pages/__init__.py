"""The people area's pages: the directory (people), teams and programs. ``people.register``
adds each topic's pages followed by its JSON routes from people/api.py."""
