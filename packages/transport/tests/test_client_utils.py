import base64
import platform

import pytest
from elastic_transport import Transport, __version__
from elastic_transport.client_utils import (
    DEFAULT,
    _auth_header,
    _encode_credentials,
    basic_auth_to_header,
    client_meta_version,
    create_user_agent,
    parse_cloud_id,
    percent_encode,
    resolve_default,
    url_to_node_config,
)
from fakees import FakeServer


def test_default_sentinel() -> None:
    assert repr(DEFAULT) == "<DEFAULT>"
    assert resolve_default(DEFAULT, 3) == 3 and resolve_default(None, 3) is None


def test_url_to_node_config_full() -> None:
    config = url_to_node_config("https://user:p%40ss@es.local:9243/prefix/")
    assert (config.scheme, config.host, config.port, config.path_prefix) == (
        "https",
        "es.local",
        9243,
        "/prefix",
    )
    assert config.headers["authorization"] == basic_auth_to_header(("user", "p@ss"))
    assert "p@ss" not in repr(config)


def test_url_to_node_config_ipv6_and_default_ports() -> None:
    assert url_to_node_config("http://[::1]:9200").host == "::1"
    assert url_to_node_config("https://es.local", use_default_ports_for_scheme=True).port == 443
    assert url_to_node_config("https://es.local").port == 443  # always, as in the official transport
    assert url_to_node_config("http://es.local", use_default_ports_for_scheme=True).port == 80


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("localhost:9200", "^URL must include a 'scheme', 'host', and 'port' component"),
        ("http://localhost", "^URL must include a 'scheme', 'host', and 'port' component"),
        ("ftp://localhost:21", "scheme 'ftp' is not supported"),
        ("http://localhost:notaport", "is not valid"),
        ("http://user:secret@localhost:99999", "is not valid"),
    ],
)
def test_url_to_node_config_bad_urls(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        url_to_node_config(url)
    assert "secret" not in str(info.value)


def _cloud_id(data: str) -> str:
    return "cluster:" + base64.b64encode(data.encode()).decode()


def test_parse_cloud_id() -> None:
    cloud = parse_cloud_id(_cloud_id("us-east-1.aws.found.io$es123$kb456"))
    assert cloud.cluster_name == "cluster"
    assert cloud.es_address == ("es123.us-east-1.aws.found.io", 443)
    assert cloud.kibana_address == ("kb456.us-east-1.aws.found.io", 443)
    assert parse_cloud_id(_cloud_id("host.io:9243$es$kb")).es_address == ("es.host.io", 9243)
    assert parse_cloud_id(_cloud_id("host.io$es")).kibana_address is None
    # no Elasticsearch UUID: no address (the client says what is missing), not a format error
    assert parse_cloud_id(_cloud_id("host.io:443")) == ("cluster", None, None)
    assert parse_cloud_id(_cloud_id("host.io$$kb")) == ("cluster", None, ("kb.host.io", 443))


@pytest.mark.parametrize(
    "cloud_id",
    ["no-colon", "name:", "name:%%%", "name:\u0101", _cloud_id("host.io:port$es"), _cloud_id(":9243$es")],
)
def test_parse_cloud_id_bad(cloud_id: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_cloud_id(cloud_id)
    assert str(info.value) == "Cloud ID is not properly formatted"


def test_percent_encode() -> None:
    assert percent_encode("a b/c,*") == "a%20b/c%2C%2A"
    assert percent_encode("a b/c,*", safe=",*") == "a%20b%2Fc,*"
    assert percent_encode("é") == "%C3%A9"


def test_versions_and_user_agent() -> None:
    assert client_meta_version("9.5.1") == "9.5.1"
    assert client_meta_version("9.5.0rc1") == "9.5.0p"
    assert client_meta_version("9.5") == "9.5"  # the numbers as written, never padded
    assert client_meta_version("3.9.pre1") == "3.9p"
    assert client_meta_version("9.5.0-alpha1") == "9.5.0p"
    assert client_meta_version("3.7.4.post1") == "3.7.4"  # a post-release is no pre-release
    assert client_meta_version("3.7.4.post") == "3.7.4"
    assert create_user_agent("elasticsearch-py", "9.5.0") == (
        f"elasticsearch-py/9.5.0 (Python/{platform.python_version()}; elastic-transport/{__version__})"
    )


def test_basic_auth_header_rejects_bad_input() -> None:
    assert basic_auth_to_header(("user", "pass")) == "Basic dXNlcjpwYXNz"
    with pytest.raises(ValueError, match="2-tuple"):
        basic_auth_to_header("user:pass")  # type: ignore[arg-type]
    assert basic_auth_to_header((b"user", "p\u00e4ss")) == basic_auth_to_header(("user", "p\u00e4ss"))
    for bad in [("user",), ("user", 1), ["user", "pass"]]:
        with pytest.raises(ValueError) as info:
            basic_auth_to_header(bad)  # type: ignore[arg-type]
        assert str(info.value) == "'basic_auth' must be a 2-tuple of str/bytes (username, password)"


def test_one_credentials_encoder_for_every_form() -> None:
    """Pair, joined str and bytes give the same token; non-ASCII is UTF-8, as the clients send it."""
    token = base64.b64encode("élan:p:ss".encode()).decode("ascii")
    assert _encode_credentials(("élan", "p:ss")) == token
    assert _encode_credentials(["élan", "p:ss"]) == token
    assert _encode_credentials("élan:p:ss") == token
    assert _encode_credentials("élan:p:ss".encode()) == token
    assert _auth_header("ApiKey", ("id", "key")) == "ApiKey " + base64.b64encode(b"id:key").decode()
    assert basic_auth_to_header(("élan", "p:ss")) == "Basic " + token


@pytest.mark.parametrize("password", ["Secr3t/Tail9", "Secr3t#Tail9", "Secr3t?Tail9", "Secr3t@Tail9/Rest7"])
def test_a_password_never_shows_in_url_errors(password: str) -> None:
    """An unencoded '/', '#', '?' or '@' in a password ends the host part early: the URL is
    refused, and the message shows no part of the secret."""
    with pytest.raises(ValueError) as info:
        url_to_node_config(f"http://elastic:{password}@127.0.0.1:9200")
    message = str(info.value)
    assert "<hidden>@127.0.0.1:9200" in message
    for part in {password, *password.replace("#", "/").replace("?", "/").replace("@", "/").split("/")}:
        assert part not in message


def test_an_encoded_password_with_special_characters_authenticates(fake_server: FakeServer) -> None:
    config = url_to_node_config(f"http://elastic:ab%2Fc%23d%3F%40@127.0.0.1:{fake_server.port}")
    transport = Transport([config])
    try:
        transport.perform_request("GET", "/")
    finally:
        transport.close()
    sent = fake_server.last.headers["authorization"]
    assert base64.b64decode(sent.split()[1]) == b"elastic:ab/c#d?@"
