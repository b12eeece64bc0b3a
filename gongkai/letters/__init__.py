"""Notice letters (告知书): a rendering service below the subject apps. Public interface::

    from gongkai.letters.defaults import DefaultLetter, register   # a subject's default letters
    from gongkai.letters.rendering import render_letter            # (docx, pdf, text)

Each subject builds its own placeholder values (e.g. ``gongkai.applications.letters``).
"""
