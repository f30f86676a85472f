"""A tiny OpenID Connect provider on 127.0.0.1 (a free port): discovery, token and
userinfo endpoints, enough for allauth to run a whole login against it. The browser
leg (/authorize) is played by the test, which follows the redirect itself."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt

CLIENT_ID = "frankly-client"
CODE = "the-authorization-code"


class OidcProvider:
    def __init__(self, *, claims: dict | None = None):
        self.claims = claims or {
            "sub": "idp-user-7",
            "email": "olivia@acme.example",
            "email_verified": True,
            "name": "Olivia Oidc",
        }
        self.token_requests: list[dict] = []

    def _id_token(self) -> str:
        now = int(time.time())
        payload = {**self.claims, "iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300}
        return jwt.encode(payload, "provider-signing-key-long-enough-for-hs256", algorithm="HS256")

    def __enter__(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status: int, data: dict):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                base = provider.url
                if self.path == "/.well-known/openid-configuration":
                    self._json(
                        200,
                        {
                            "issuer": base,
                            "authorization_endpoint": f"{base}/authorize",
                            "token_endpoint": f"{base}/token",
                            "userinfo_endpoint": f"{base}/userinfo",
                            "jwks_uri": f"{base}/jwks",
                            "token_endpoint_auth_methods_supported": ["client_secret_post"],
                        },
                    )
                elif self.path == "/userinfo":
                    if self.headers.get("Authorization") != "Bearer access-token-1":
                        self._json(401, {"error": "invalid_token"})
                    else:
                        self._json(200, provider.claims)
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                provider.token_requests.append(form)
                if self.path != "/token" or form.get("code") != CODE:
                    self._json(400, {"error": "invalid_grant"})
                    return
                self._json(
                    200,
                    {
                        "access_token": "access-token-1",
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider._id_token(),
                    },
                )

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
