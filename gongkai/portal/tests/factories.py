"""The catalogue's model factories, under the name other branches still import; they live in
gongkai.catalogue.tests.factories (import them from there)."""

from gongkai.catalogue.tests.factories import (  # noqa: F401
    AttachmentFactory,
    CategoryFactory,
    DraftFactory,
    ItemFactory,
    TopicFactory,
    author,
)
