"""An OpenID Connect provider on 127.0.0.1 that logs a chosen user in at once, so `st.login`
can be pressed in a browser test with no network.

It speaks the wire formats a real provider does and Authlib (which Streamlit uses) expects:
discovery at `/.well-known/openid-configuration`, the authorization-code flow with `state`,
`nonce` and PKCE (S256), client authentication by HTTP Basic (client_secret_basic) or in the form
(client_secret_post), an RS256-signed ID token checked against `/jwks`, and `/userinfo`. Errors
follow RFC 6749 (`{"error": ...}`). The token is signed here with `cryptography`, not with the
library that checks it, so a mistake on either side shows. Every request is recorded (headers
lower-cased) for assertions. Run by hand: `python -m tests.fake_oidc_server --port 8767`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.loopback_server import LoopbackServer

CLIENT_ID = "aflab-test-client"
CLIENT_SECRET = "oidc-client-secret-must-not-be-logged-7731"
ADA = {"sub": "user-ada-001", "email": "ada@school.example", "name": "Ada Lovelace"}
KEY_ID = "fake-oidc-key-1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _uint(number: int) -> str:
    return b64url(number.to_bytes((number.bit_length() + 7) // 8, "big"))


@dataclass
class Seen:
    """One request as the provider saw it (headers lower-cased), for assertions."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class ProviderState:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    user: dict[str, str] = field(default_factory=lambda: dict(ADA))  # who "logs in" next
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> what it was for
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)  # access token -> user
    requests: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def jwk(self) -> dict[str, str]:
        numbers = self.key.public_key().public_numbers()
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KEY_ID,
                "n": _uint(numbers.n), "e": _uint(numbers.e)}  # fmt: skip

    def id_token(self, issuer: str, user: dict[str, str], nonce: str | None) -> str:
        """A JWT as RFC 7519 and OIDC Core 2 describe it, signed RS256 (RFC 7518 3.3)."""
        now = int(time.time())
        claims = {"iss": issuer, "aud": self.client_id, "iat": now, "exp": now + 600,
                  "auth_time": now, "email_verified": True, **user}  # fmt: skip
        if nonce is not None:
            claims["nonce"] = nonce
        header = {"alg": "RS256", "typ": "JWT", "kid": KEY_ID}
        signing_input = ".".join(
            b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        signature = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64url(signature)}"

    def paths(self, method: str, start: str) -> list[Seen]:
        return [r for r in self.requests if r.method == method and r.path.startswith(start)]


def make_handler(state: ProviderState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args: object) -> None:
            pass

        @property
        def issuer(self) -> str:
            return f"http://127.0.0.1:{self.server.server_address[1]}"

        def _record(self, form: dict[str, str]) -> Seen:
            parts = urlsplit(self.path)
            seen = Seen(self.command, parts.path, dict(parse_qsl(parts.query)),
                        {k.lower(): v for k, v in self.headers.items()}, form)  # fmt: skip
            with state.lock:
                state.requests.append(seen)
            return seen

        def _json(self, status: int, payload: object, headers: dict[str, str] | None = None):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status: int, error: str, description: str) -> None:
            extra = {"WWW-Authenticate": 'Basic realm="fake-oidc"'} if status == 401 else None
            self._json(status, {"error": error, "error_description": description}, extra)

        def do_GET(self) -> None:
            seen = self._record({})
            if seen.path == "/.well-known/openid-configuration":
                self._json(200, {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token",
                    "userinfo_endpoint": f"{self.issuer}/userinfo",
                    "jwks_uri": f"{self.issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "scopes_supported": ["openid", "email", "profile"],
                    "token_endpoint_auth_methods_supported": [
                        "client_secret_basic", "client_secret_post"],
                    "code_challenge_methods_supported": ["S256"],
                    "claims_supported": ["sub", "email", "email_verified", "name"],
                })  # fmt: skip
            elif seen.path == "/jwks":
                self._json(200, {"keys": [state.jwk()]})
            elif seen.path == "/authorize":
                self._authorize(seen.query)
            elif seen.path == "/userinfo":
                bearer = seen.headers.get("authorization", "").removeprefix("Bearer ")
                user = state.tokens.get(bearer)
                if user is None:
                    self._error(401, "invalid_token", "unknown access token")
                else:
                    self._json(200, user)
            else:
                self._error(404, "not_found", seen.path)

        def _authorize(self, query: dict[str, str]) -> None:
            """The user "logs in" at once; back to the client with a one-time code."""
            if query.get("client_id") != state.client_id or query.get("response_type") != "code":
                self._error(400, "unauthorized_client", "unknown client or response type")
                return
            if "openid" not in query.get("scope", "").split() or not query.get("redirect_uri"):
                self._error(400, "invalid_request", "scope openid and redirect_uri are needed")
                return
            code = secrets.token_urlsafe(24)
            with state.lock:
                state.codes[code] = {
                    "redirect_uri": query["redirect_uri"], "nonce": query.get("nonce"),
                    "challenge": query.get("code_challenge"), "user": dict(state.user),
                }  # fmt: skip
            back = {"code": code} | ({"state": query["state"]} if "state" in query else {})
            separator = "&" if "?" in query["redirect_uri"] else "?"
            self.send_response(302)
            self.send_header("Location", query["redirect_uri"] + separator + urlencode(back))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _client_authenticated(self, form: dict[str, str]) -> bool:
            """client_secret_basic (RFC 6749 2.3.1: form-urlencoded id and secret in Basic)
            or client_secret_post."""
            basic = self.headers.get("Authorization", "")
            if basic.startswith("Basic "):
                decoded = base64.b64decode(basic.removeprefix("Basic ")).decode()
                client_id, _, secret = decoded.partition(":")
                pair = (client_id, secret)
            else:
                pair = (form.get("client_id", ""), form.get("client_secret", ""))
            return pair == (state.client_id, state.client_secret)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            seen = self._record(form)
            if seen.path != "/token":
                self._error(404, "not_found", seen.path)
                return
            if not self._client_authenticated(form):
                self._error(401, "invalid_client", "client authentication failed")
                return
            with state.lock:
                grant = state.codes.pop(form.get("code", ""), None)  # a code works once
            if form.get("grant_type") != "authorization_code" or grant is None:
                self._error(400, "invalid_grant", "unknown or used code")
                return
            if form.get("redirect_uri") != grant["redirect_uri"]:
                self._error(400, "invalid_grant", "redirect_uri differs from the authorization")
                return
            if grant["challenge"]:  # PKCE, RFC 7636 4.6
                verifier = form.get("code_verifier", "").encode()
                if b64url(hashlib.sha256(verifier).digest()) != grant["challenge"]:
                    self._error(400, "invalid_grant", "code_verifier does not match")
                    return
            access_token = secrets.token_urlsafe(24)
            with state.lock:
                state.tokens[access_token] = grant["user"]
            self._json(200, {
                "access_token": access_token, "token_type": "Bearer", "expires_in": 600,
                "scope": "openid email profile",
                "id_token": state.id_token(self.issuer, grant["user"], grant["nonce"]),
            })  # fmt: skip

    return Handler


class FakeOIDCServer(LoopbackServer):
    """Start with `with FakeOIDCServer() as provider:`; `provider.metadata_url` is what goes
    into `server_metadata_url`, and `provider.state.user` is who logs in next."""

    def __init__(self, port: int = 0, **state: Any) -> None:
        self.state = ProviderState(**state)
        super().__init__(make_handler(self.state), port)

    @property
    def metadata_url(self) -> str:
        return self.url + "/.well-known/openid-configuration"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    with FakeOIDCServer(args.port) as provider:
        print(f"server_metadata_url = {provider.metadata_url!r}")
        print(f"client_id = {CLIENT_ID!r}\nclient_secret = {CLIENT_SECRET!r}")
        threading.Event().wait()


if __name__ == "__main__":
    main()
