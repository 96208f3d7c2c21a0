"""The naive Bayes second opinion: it knows which word tells neighbours apart."""

from __future__ import annotations

from faq.bayes import TopicBayes


def test_the_word_a_message_lacks_counts() -> None:
    bayes = TopicBayes(
        [
            ("kk-ubah", ["ubah", "data", "kk"]),
            ("kk-ubah", ["kk", "salah", "nama"]),
            ("biaya", ["ubah", "data", "kk", "biaya"]),
            ("biaya", ["biaya", "gratis", "akta"]),
        ]
    )
    posterior = bayes.posterior(["ubah", "data", "kk"], ["kk-ubah", "biaya"])
    assert posterior["kk-ubah"] > posterior["biaya"]
    assert abs(sum(posterior.values()) - 1.0) < 1e-9
    posterior = bayes.posterior(["biaya", "kk"], ["kk-ubah", "biaya"])
    assert posterior["biaya"] > posterior["kk-ubah"]


def test_unknown_words_and_topics_are_skipped() -> None:
    bayes = TopicBayes([("a", ["x"]), ("b", ["y"])])
    assert bayes.posterior(["zzz"], ["a", "b"]) == {"a": 0.5, "b": 0.5}
    assert bayes.posterior(["x"], ["nope"]) == {}
