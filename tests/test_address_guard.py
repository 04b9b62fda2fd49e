"""The address guard: a visitor-typed address never makes this server call a private one.

Every test only ever connects to loopback; the guard's policy is loosened in a test only to
show that a connection goes to exactly the address that was checked."""

from __future__ import annotations

import httpx2
import openai
import pytest

from alignment_faking_lab.calling.endpoints import Api, Endpoint, ErrorKind, ProviderError
from alignment_faking_lab.calling.providers import complete, list_models
from alignment_faking_lab.data.transcript import Message
from alignment_faking_lab.public.address_guard import (
    BlockedAddress,
    check_visitor_url,
    guarded_client,
    is_public_ip,
    public_address,
)
from tests.fake_llm_server import VALID_KEY, FakeLLMServer

PRIVATE = [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "100.100.100.200", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1",
    "192.0.2.10", "240.0.0.1", "::1", "::", "fe80::1", "fd00:ec2::254", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::1",
    "64:ff9b::a9fe:a9fe", "2001:db8::1",
]  # fmt: skip
PUBLIC = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.fixture
def server():
    with FakeLLMServer() as running:
        yield running


@pytest.mark.parametrize("address", PRIVATE)
def test_private_local_and_metadata_addresses_are_not_public(address):
    assert not is_public_ip(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are(address):
    assert is_public_ip(address)


@pytest.mark.parametrize(
    "url",
    ["http://api.example.com/v1", "ftp://api.example.com", "https://user:pw@api.example.com",
     "https://127.0.0.1:8000/v1", "https://[::1]/v1", "https://[::ffff:127.0.0.1]/v1",
     "https://169.254.169.254/latest", "https://10.0.0.5/v1", "https:///v1", "file:///etc/passwd"],
)  # fmt: skip
def test_typed_addresses_must_be_https_and_not_private_literals(url):
    with pytest.raises(BlockedAddress):
        check_visitor_url(url)


def test_a_public_https_name_passes_the_typed_check():
    assert check_visitor_url(" https://api.example.com/v1 ") == "https://api.example.com/v1"


def test_a_name_is_refused_if_any_of_its_addresses_is_private():
    with pytest.raises(BlockedAddress, match="private or local"):
        public_address("localhost", 443)  # resolved for real: localhost is loopback
    mixed = lambda host, port: ["8.8.8.8", "10.0.0.1"]  # noqa: E731
    with pytest.raises(BlockedAddress, match=r"10\.0\.0\.1"):
        public_address("mixed.example", 443, mixed)
    assert public_address("ok.example", 443, lambda h, p: ["8.8.4.4"]) == "8.8.4.4"


def test_the_sdk_with_the_guard_never_reaches_a_name_resolving_to_loopback(server):
    url = f"https://localhost:{server.httpd.server_address[1]}/v1"
    client = openai.OpenAI(api_key=VALID_KEY, base_url=url, max_retries=0,
                           http_client=guarded_client(5.0))  # fmt: skip
    with pytest.raises(openai.APIConnectionError):
        client.models.list()
    assert not server.state.exchanges


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::ffff:127.0.0.1]"])
def test_a_guarded_endpoint_sends_nothing_to_loopback(server, host):
    port = server.httpd.server_address[1]
    for scheme in ("https", "http"):
        endpoint = Endpoint(Api.ANTHROPIC, "Visitor's", f"{scheme}://{host}:{port}", VALID_KEY,
                            guarded=True)  # fmt: skip
        with pytest.raises(ProviderError) as failed:
            complete(endpoint, "fake-claude", "system", [Message("user", "hi")], 50)
        assert failed.value.kind in (ErrorKind.LIMIT, ErrorKind.CONNECTION)
    assert not server.state.exchanges


def test_the_connection_goes_to_the_checked_address_so_rebinding_cannot_switch_it(server):
    """The name is resolved once, checked, and the socket opened to that exact address; a
    resolver that would answer differently the second time is never asked again."""
    port = server.httpd.server_address[1]
    answers = iter([["127.0.0.1"], ["10.9.9.9"], ["10.9.9.9"]])
    asked = []

    def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return next(answers)

    client = guarded_client(5.0, allow=lambda ip: ip == "127.0.0.1", resolver=rebinding,
                            require_https=False)  # fmt: skip
    reply = client.get(f"http://rebind.test:{port}/v1/models", headers={"x-api-key": VALID_KEY})
    assert reply.status_code == 200 and asked == ["rebind.test"]
    assert server.state.exchanges[0].headers["host"] == f"rebind.test:{port}"
    with pytest.raises(httpx2.ConnectError, match=r"10\.9\.9\.9"):  # the next request re-checks
        client.get(f"http://rebind.test:{port}/v1/models")


def test_replies_are_capped_in_size(server):
    port = server.httpd.server_address[1]
    client = guarded_client(5.0, allow=lambda ip: True, require_https=False, max_bytes=64)
    with pytest.raises(httpx2.ReadError, match="larger than 64 bytes"):
        client.get(f"http://127.0.0.1:{port}/v1/models", headers={"x-api-key": VALID_KEY})


@pytest.mark.parametrize(
    "host", ["0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "2130706433", "127.1", "012.0.0.5"]
)
def test_a_private_address_in_octal_hex_or_short_form_is_refused_with_words(host):
    """The system resolver reads `0177.0.0.1` as 127.0.0.1; the model list must refuse it as
    private, not crash on the SDK's 'invalid URL'."""
    endpoint = Endpoint(Api.OPENAI, "Visitor's", f"https://{host}/v1", "sk-v", guarded=True)
    with pytest.raises(ProviderError, match="private or local") as refused:
        list_models(endpoint)
    assert refused.value.kind is ErrorKind.LIMIT


def test_a_public_address_in_an_unusual_form_is_asked_for_in_its_usual_form():
    with pytest.raises(BlockedAddress, match=r"usual form \(1\.1\.1\.1\)"):
        check_visitor_url("https://0x01010101/v1")
