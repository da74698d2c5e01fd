"""Aliases, composable index templates, component templates and legacy templates."""

from __future__ import annotations

from typing import Any

import pytest

SHARDS = {"number_of_shards": 1, "number_of_replicas": 0}


async def test_aliases(es: Any, api: Any, names: Any) -> None:
    first, second = names.index("a"), names.index("b")
    alias = names.alias()
    for name in (first, second):
        await es.indices.create(index=name, **api.body(settings=SHARDS))
    api.assert_head(await es.indices.exists_alias(name=alias), False)

    put = api.data(await es.indices.put_alias(index=first, name=alias))
    assert put["acknowledged"] is True
    api.assert_head(await es.indices.exists_alias(name=alias), True)
    api.assert_head(await es.indices.exists_alias(index=second, name=alias), False)
    assert set(api.data(await es.indices.get_alias(name=alias))) == {first}

    await es.index(index=alias, id="1", refresh=True, **api.document({"via": "alias"}))
    assert api.data(await es.get(index=first, id="1"))["_source"] == {"via": "alias"}

    actions = [
        {"remove": {"index": first, "alias": alias}},
        {"add": {"index": second, "alias": alias, "is_write_index": True}},
    ]
    updated = api.data(await es.indices.update_aliases(**api.body(actions=actions)))
    assert updated["acknowledged"] is True
    assert set(api.data(await es.indices.get_alias(name=alias))) == {second}
    assert api.data(await es.count(index=alias))["count"] == 0

    rows = api.data(await es.cat.aliases(name=alias, format="json", h="alias,index"))
    assert rows == [{"alias": alias, "index": second}]

    deleted = api.data(await es.indices.delete_alias(index=second, name=alias))
    assert deleted["acknowledged"] is True
    api.assert_head(await es.indices.exists_alias(name=alias), False)


async def test_composable_index_template(es: Any, api: Any, names: Any) -> None:
    component = names.component_template()
    template = names.index_template()
    index = names.index("matched")
    pattern = index.rsplit("-", 1)[0] + "-match*"

    put_component = await es.cluster.put_component_template(
        name=component,
        **api.body(template={"mappings": {"properties": {"from_component": {"type": "keyword"}}}}),
    )
    assert api.data(put_component)["acknowledged"] is True
    api.assert_head(await es.cluster.exists_component_template(name=component), True)

    api.assert_head(await es.indices.exists_index_template(name=template), False)
    put = await es.indices.put_index_template(
        name=template,
        **api.body(
            index_patterns=[pattern],
            priority=500,
            composed_of=[component],
            template={"settings": {**SHARDS, "refresh_interval": "7s"}, "aliases": {f"{template}-alias": {}}},
        ),
    )
    assert api.data(put)["acknowledged"] is True
    api.assert_head(await es.indices.exists_index_template(name=template), True)
    got = api.data(await es.indices.get_index_template(name=template))
    assert got["index_templates"][0]["name"] == template
    assert got["index_templates"][0]["index_template"]["composed_of"] == [component]

    await es.indices.create(index=index)
    settings = api.data(await es.indices.get_settings(index=index, flat_settings=True))
    assert settings[index]["settings"]["index.refresh_interval"] == "7s"
    mapping = api.data(await es.indices.get_mapping(index=index))
    assert mapping[index]["mappings"]["properties"]["from_component"] == {"type": "keyword"}
    api.assert_head(await es.indices.exists_alias(name=f"{template}-alias", index=index), True)

    simulated = api.data(await es.indices.simulate_index_template(name=index))
    assert simulated["template"]["settings"]["index"]["refresh_interval"] == "7s"

    await es.indices.delete(index=index)
    assert api.data(await es.indices.delete_index_template(name=template))["acknowledged"] is True
    api.assert_head(await es.indices.exists_index_template(name=template), False)
    assert api.data(await es.cluster.delete_component_template(name=component))["acknowledged"] is True


@pytest.mark.majors(7, 8)
async def test_legacy_template(es: Any, api: Any, es_cluster: Any, names: Any) -> None:
    """Legacy ``_template`` APIs (the 7.x way; deprecated since 7.8, still served by 9.x)."""
    template = names.legacy_template()
    index = names.index("legacy")
    pattern = index.rsplit("-", 1)[0] + "-leg*"
    body = {"index_patterns": [pattern], "order": 3, "settings": {**SHARDS, "refresh_interval": "9s"}}
    api.assert_head(await es.indices.exists_template(name=template), False)
    if api.v7:
        put = await es.indices.put_template(name=template, body=body)
    else:
        put = await es.indices.put_template(name=template, **body)
    assert api.data(put)["acknowledged"] is True
    api.assert_head(await es.indices.exists_template(name=template), True)
    got = api.data(await es.indices.get_template(name=template))
    assert got[template]["index_patterns"] == [pattern] and got[template]["order"] == 3

    await es.indices.create(index=index)
    settings = api.data(await es.indices.get_settings(index=index, flat_settings=True))
    assert settings[index]["settings"]["index.refresh_interval"] == "9s"
    assert api.data(await es.indices.delete_template(name=template))["acknowledged"] is True
    api.assert_head(await es.indices.exists_template(name=template), False)
