"""Type stubs of ``AsyncClient`` (import it from ``elements_auth``)."""

from collections.abc import Sequence
from os import PathLike
from types import TracebackType
from typing import Optional, Union, final

from typing_extensions import Unpack

from elements_auth._native import (
    Events,
    Grant,
    Instance,
    OAuthUrl,
    _ClientOptions,
    _Environment,
    _Pairs,
)

__all__ = ["AsyncClient"]

@final
class AsyncClient:
    """The platform client for asyncio: ``Client``'s arguments and calls, each awaitable."""

    def __init__(
        self,
        *,
        base_url: Optional[str] = None,
        environment: Optional[_Environment] = None,
        user_secret: Optional[str] = None,
        organization_secret: Optional[str] = None,
        timeout: Optional[float] = None,
        user_agent: Optional[str] = None,
        ca_file: Optional[Union[str, PathLike[str]]] = None,
        proxy: Optional[str] = None,
        max_retries: Optional[int] = None,
        max_retry_delay: Optional[float] = None,
        retry_base_delay: Optional[float] = None,
        response_limit: Optional[int] = None,
        from_env: bool = False,
    ) -> None:
        """The arguments of ``Client(...)``, checked the same way."""
    @classmethod
    def from_env(cls, **options: Unpack[_ClientOptions]) -> AsyncClient:
        """``AsyncClient(from_env=True, **options)``: ``ELEMENTS_*`` variables first."""
    @property
    def base_url(self) -> str:
        """The API base URL this client talks to."""
    async def oauth_url(
        self,
        element: str,
        api_key: str,
        api_secret: str,
        callback_url: str,
        *,
        site_address: Optional[str] = None,
        state: Optional[str] = None,
        scope: Optional[str] = None,
        params: Optional[_Pairs] = None,
    ) -> OAuthUrl:
        """Step 1, as ``Client.oauth_url``."""
    async def create_instance(
        self,
        element: str,
        code: Union[str, Grant],
        name: str,
        api_key: str,
        api_secret: str,
        callback_url: str,
        *,
        tags: Optional[Sequence[str]] = None,
        filter_response_nulls: Optional[bool] = None,
        events: Optional[Events] = None,
        configuration: Optional[_Pairs] = None,
    ) -> Instance:
        """Step 3, as ``Client.create_instance``; a cancelled call may have created the instance."""
    async def get_instance(self, id: int) -> Instance:
        """As ``Client.get_instance``."""
    async def list_instances(self) -> list[Instance]:
        """As ``Client.list_instances``."""
    async def delete_instance(self, id: int) -> None:
        """As ``Client.delete_instance``."""
    async def __aenter__(self) -> AsyncClient: ...
    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None: ...
