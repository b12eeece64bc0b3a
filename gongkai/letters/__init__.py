"""Notice letters (告知书). Public interface::

    from gongkai.letters.rendering import render_letter      # (docx, pdf, text)
    from gongkai.letters.defaults import reply_kind, PROCEDURAL_KINDS, ALL_KINDS
    from gongkai.letters.context import context_for_application
"""
