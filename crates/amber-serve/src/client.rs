//! A minimal HTTP/1.1 client over one keep-alive connection (hyper's), for the service's tests
//! and the load benchmark (`cargo xtask bench serve`). Applications would use any HTTP client.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mut client = amber_serve::client::Client::connect("127.0.0.1:8080".parse()?).await?;
//! let (status, body) = client.get("/healthz").await?;
//! assert_eq!((status, &body[..]), (200, &b"ok\n"[..]));
//! # Ok(()) }
//! ```

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::Request;
use hyper_util::rt::TokioIo;

/// What can fail on the client side.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The connection could not be made.
    #[error("connect to {addr}: {source}")]
    Connect {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The exchange failed (the connection closed, a malformed response).
    #[error("HTTP: {0}")]
    Http(#[from] hyper::Error),
    /// The request could not be built (a bad path or header).
    #[error("request: {0}")]
    Request(#[from] hyper::http::Error),
}

/// One connection; requests go one after another on it.
#[derive(Debug)]
pub struct Client {
    sender: SendRequest<Full<Bytes>>,
    host: String,
}

impl Client {
    /// Connects to `addr`; the connection is driven by a tokio task until the client is dropped.
    pub async fn connect(addr: SocketAddr) -> Result<Client, ClientError> {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|source| ClientError::Connect { addr, source })?;
        let _ = stream.set_nodelay(true);
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Client { sender, host: addr.to_string() })
    }

    /// Sends one request and reads the whole response: its status and body.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<Bytes>,
    ) -> Result<(u16, Bytes), ClientError> {
        let (status, _, body) = self.send(method, path, content_type, body.into()).await?;
        Ok((status, body))
    }

    /// `GET path`, with the response's `Content-Type` (if any).
    pub async fn get_typed(&mut self, path: &str) -> Result<(u16, Option<String>, Bytes), ClientError> {
        self.send("GET", path, None, Bytes::new()).await
    }

    async fn send(
        &mut self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Bytes,
    ) -> Result<(u16, Option<String>, Bytes), ClientError> {
        let mut builder = Request::builder().method(method).uri(path).header(hyper::header::HOST, &self.host);
        if let Some(t) = content_type {
            builder = builder.header(hyper::header::CONTENT_TYPE, t);
        }
        let request = builder.body(Full::new(body))?;
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(hyper::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, content_type, body))
    }

    /// `GET path`.
    pub async fn get(&mut self, path: &str) -> Result<(u16, Bytes), ClientError> {
        self.request("GET", path, None, Bytes::new()).await
    }

    /// `POST path` with a JSON body.
    pub async fn post_json(
        &mut self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<(u16, Bytes), ClientError> {
        self.request("POST", path, Some("application/json"), body.to_string()).await
    }
}
