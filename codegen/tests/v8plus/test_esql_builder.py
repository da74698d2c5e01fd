"""The ES|QL builder on the wire: queries built with ``<package>.esql`` go through
``client.esql.query(query=<builder>)`` to the recording server on 127.0.0.1 and the request
bodies are compared with the query text written out by hand; ``Document.esql_execute()`` turns
an answer of ES|QL's JSON shape (``columns`` and ``values``) into documents. Every test runs per
package and per client flavour (sync, async).

The clusters the integration tests run carry no ES|QL plugin, hence a recording server here.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pytest

from .v8plus_servers import RecordingServer, Reply, resolve


def _esql(es_module: ModuleType) -> tuple[Any, Any]:
    esql = importlib.import_module(f"{es_module.__name__}.esql")
    return esql, importlib.import_module(f"{es_module.__name__}.esql.functions")


def _sent(server: RecordingServer) -> list[Any]:
    return [request.json() for request in server.requests if request.path == "/_query"]


async def test_builder_is_sent_as_the_query_text(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    esql, functions = _esql(es_module)
    E = esql.E
    query = (
        esql.ESQL.from_("employees", "logs-*")
        .metadata("_id")
        .where(E("still_hired") == True, E("hire_date") > "2020-01-01")  # noqa: E712 (an ES|QL ==)
        .eval(height_cm=E("height") * 100, name=functions.concat(E("first_name"), " ", E("last_name")))
        .stats(avg_height=functions.avg(E("height_cm")), n=functions.count("*"))
        .by("languages")
        .sort("avg_height DESC NULLS LAST", "weird`name")
        .keep("avg_*", "n", "languages")
        .limit(10)
    )
    await resolve(es.esql.query(query=query))
    assert _sent(server) == [
        {
            "query": "FROM employees, logs-* METADATA _id\n"
            '| WHERE still_hired == true AND hire_date > "2020-01-01"\n'
            '| EVAL height_cm = height * 100, name = CONCAT(first_name, " ", last_name)\n'
            '| STATS avg_height = AVG(height_cm),\n        n = COUNT("*")\n        BY languages\n'
            "| SORT avg_height DESC NULLS LAST, `weird``name`\n"
            "| KEEP avg_*, n, languages\n"
            "| LIMIT 10"
        }
    ]


async def test_parameters_travel_beside_the_query(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    esql, _ = _esql(es_module)
    query = (
        esql.ESQL.row(a=1, b="two", c=None, d=[1, 2])
        .where(esql.or_(esql.E("a") == esql.E("?"), esql.not_(esql.E("b").like("t*"))))
        .dissect("b", '%{x} "%{y}"')
        .rename(a="first", b="second col")
    )
    await resolve(es.esql.query(query=query, params=[1]))
    assert _sent(server) == [
        {
            "query": 'ROW a = 1, b = "two", c = null, d = [1, 2]\n'
            '| WHERE (a == ?) OR (NOT (b LIKE "t*"))\n'
            '| DISSECT b "%{x} \\"%{y}\\""\n'
            "| RENAME a AS first, b AS `second col`",
            "params": [1],
        }
    ]


async def test_fork_and_the_commands_of_the_major(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    esql, _ = _esql(es_module)
    ESQL = esql.ESQL
    query = ESQL.from_("books").fork(
        ESQL.branch().where('title:"Shakespeare"').sort("_score DESC"),
        ESQL.branch().where("year > 1600").limit(5),
    )
    expected = 'FROM books\n| FORK ( WHERE title:"Shakespeare" | SORT _score DESC )\n       ( WHERE year > 1600 | LIMIT 5 )'
    if es_module.__name__ == "elasticsearch":  # the 9.x language: TS, SET, FUSE, INLINE STATS
        assert hasattr(ESQL, "ts") and hasattr(ESQL.from_("x"), "inline_stats")
        query = query.fuse("linear").by("title").inline_stats(top="MAX(_score)").set(approximation=True)
        expected = (
            "SET approximation = true;\n"
            + expected
            + "\n| FUSE LINEAR BY title\n| INLINE STATS top = MAX(_score)"
        )
        with pytest.raises(ValueError, match="Invalid index name"):
            ESQL.from_("books | DROP x").render()
    else:
        for name in ("ts", "fuse", "inline_stats", "set", "rerank", "mmr"):
            assert not hasattr(ESQL, name) and not hasattr(ESQL.from_("x"), name), name
    await resolve(es.esql.query(query=query))
    assert _sent(server) == [{"query": expected}]
    with pytest.raises(ValueError, match="only have one fork"):
        query.fork(ESQL.branch())


async def test_bad_input_is_refused_with_a_clear_error(es_module: ModuleType) -> None:
    esql, _ = _esql(es_module)
    ESQL = esql.ESQL
    with pytest.raises(ValueError, match="positional or keyword"):
        ESQL.from_("x").eval("a", b="c")
    with pytest.raises(ValueError, match="join on"):
        ESQL.from_("x").lookup_join("y").render()
    with pytest.raises(ValueError, match="inference ID"):
        ESQL.from_("x").completion("q").render()


def _document_classes(es_module: ModuleType, client: Any) -> tuple[type[Any], type[Any]]:
    """``Person`` (with an inner ``Address`` and nested ``Pets``) for the client's flavour."""
    dsl = importlib.import_module(f"{es_module.__name__}.dsl")
    base = dsl.AsyncDocument if type(client).__name__.startswith("Async") else dsl.Document

    class Address(dsl.InnerDoc):
        city = dsl.Keyword()
        zip = dsl.Keyword()

    class Pet(dsl.InnerDoc):
        name = dsl.Keyword()

    class Person(base):  # type: ignore[misc,valid-type]
        name = dsl.Text()
        age = dsl.Integer()
        address = dsl.Object(Address)
        pets = dsl.Nested(Pet)

        class Index:
            name = "people"

    class Flat(base):  # type: ignore[misc,valid-type]
        name = dsl.Text()
        age = dsl.Integer()

        class Index:
            name = "flat"

    return Person, Flat


ANSWER = {
    "columns": [
        {"name": "_id", "type": "keyword"},
        {"name": "name", "type": "text"},
        {"name": "age", "type": "integer"},
        {"name": "address.city", "type": "keyword"},
        {"name": "address.zip", "type": "keyword"},
        {"name": "score", "type": "double"},
    ],
    "values": [["p1", "Ann", 41, "Oslo", "0150", 1.5], ["p2", "Bo", 7, None, "8000", 0.5]],
}


async def _rows(result: Any) -> list[Any]:
    if hasattr(result, "__aiter__"):
        return [row async for row in result]
    return list(result)


async def test_esql_from_and_execute_make_documents(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    Person, _ = _document_classes(es_module, es)
    query = Person.esql_from()
    assert str(query) == "FROM people METADATA _id\n| KEEP _id, name, age, address.city, address.zip"
    server.routes[("POST", "/_query")] = Reply(body=ANSWER)

    # Every field of the class, the nested one too, must come back unless told otherwise.
    with pytest.raises(ValueError, match=r"pets\.name"):
        await _rows(Person.esql_execute(query, using=es))
    people = await _rows(
        Person.esql_execute(query.eval(score="1.5"), ignore_missing_fields=True, using=es, columnar=False)
    )
    assert [(p.meta.id, p.name, p.age, p.address.city, p.address.zip) for p in people] == [
        ("p1", "Ann", 41, "Oslo", "0150"),
        ("p2", "Bo", 7, None, "8000"),
    ]
    assert all(isinstance(p, Person) for p in people)
    pairs = await _rows(
        Person.esql_execute(query, return_additional=True, ignore_missing_fields=True, using=es)
    )
    assert [(p.meta.id, extra) for p, extra in pairs] == [("p1", {"score": 1.5}), ("p2", {"score": 0.5})]
    sent = _sent(server)
    assert sent[1] == {
        "query": "FROM people METADATA _id\n| KEEP _id, name, age, address.city, address.zip\n| EVAL score = 1.5",
        "columnar": False,
    }
    assert sent[0] == sent[2] == {"query": str(query)}


async def test_esql_execute_without_the_id_column(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    _, Flat = _document_classes(es_module, es)
    server.routes[("POST", "/_query")] = Reply(
        body={
            "columns": [{"name": "name", "type": "text"}, {"name": "age", "type": "integer"}],
            "values": [["A", 1]],
        }
    )
    with pytest.raises(ValueError, match="_id"):
        await _rows(Flat.esql_execute("FROM flat | KEEP name, age", using=es))


async def test_esql_execute_leaves_dropped_fields_empty(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    Person, _ = _document_classes(es_module, es)
    query = Person.esql_from().where(Person.name == "Ann").drop(Person.address.city).sort("age").limit(10)
    answer = {
        "columns": [column for column in ANSWER["columns"] if column["name"] != "address.city"],
        "values": [["p1", "Ann", 41, "0150", 1.5]],
    }
    server.routes[("POST", "/_query")] = Reply(body=answer)
    (person,) = await _rows(Person.esql_execute(query, ignore_missing_fields=True, using=es))
    assert (person.meta.id, person.name, person.address.zip, person.address.city) == (
        "p1",
        "Ann",
        "0150",
        None,
    )
    assert _sent(server) == [
        {
            "query": "FROM people METADATA _id\n| KEEP _id, name, age, address.city, address.zip\n"
            '| WHERE name == "Ann"\n| DROP address.city\n| SORT age\n| LIMIT 10'
        }
    ]
