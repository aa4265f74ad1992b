"""A client repo's existing tests, unchanged: no fixture, the app builds its own client; the ini file
turns interception on and seeds every test (copied into a pytester dir, run with and without xdist)."""

from __future__ import annotations

import os

import chromadb
import pytest


def make_client():  # what the application does, deep inside its code
    return chromadb.HttpClient(host=os.environ.get("CHROMA_HOST", "chroma.internal"), port=8000)


@pytest.mark.parametrize("n", range(6))
def test_app_sees_the_session_seed_and_its_own_writes_only(n):
    fruit = make_client().get_collection("fruit")
    assert fruit.count() == 2
    fruit.add(ids=[f"extra-{n}"], embeddings=[[0.5, 0.5, 0.0]])
    assert fruit.count() == 3  # and the next test starts from the seed again


def test_real_embeddings_when_opted_out():
    notes = make_client().create_collection("notes")
    with pytest.raises(Exception, match="network blocked"):  # the real model would be downloaded
        notes.add(ids=["1"], documents=["hello"])


def test_the_fixture_is_the_same_mock(chroma_mock):
    assert chroma_mock.is_mock
    assert [c.name for c in chroma_mock.store.list_collections("default_tenant", "default_database")] == ["fruit"]
