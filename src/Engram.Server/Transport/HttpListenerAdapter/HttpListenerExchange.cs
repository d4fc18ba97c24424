using System;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Server.Transport.HttpListenerAdapter
{
    /// <summary>One <see cref="HttpListenerContext"/> seen through the transport seam.</summary>
    internal sealed class HttpListenerExchange : IHttpExchange, IHttpRequest, IHttpResponse, IStreamingBody
    {
        private readonly HttpListenerRequest _request;
        private readonly HttpListenerResponse _response;

        public HttpListenerExchange(HttpListenerContext context)
        {
            _request = context.Request;
            _response = context.Response;
        }

        public IHttpRequest Request => this;

        public IHttpResponse Response => this;

        public string Method => _request.HttpMethod;

        public string RawTarget => _request.RawUrl ?? "/";

        public long? ContentLength => _request.ContentLength64 < 0 ? (long?)null : _request.ContentLength64;

        public bool HasBody => _request.HasEntityBody;

        public Stream Body => _request.InputStream;

        public bool IsClientGone(Exception exception) =>
            exception is HttpListenerException || exception is IOException || exception is ObjectDisposedException;

        public string? Header(string name) => _request.Headers[name];

        public void SetHeader(string name, string value) => _response.Headers[name] = value;

        public async Task SendAsync(int status, string contentType, byte[] body, CancellationToken cancellationToken)
        {
            _response.StatusCode = status;
            _response.ContentType = contentType;
            _response.ContentLength64 = body.Length;
            await _response.OutputStream.WriteAsync(body, 0, body.Length, cancellationToken).ConfigureAwait(false);
            _response.OutputStream.Close();
        }

        public IStreamingBody StartStreaming(int status, string contentType)
        {
            _response.StatusCode = status;
            _response.ContentType = contentType;
            _response.SendChunked = true;
            _response.KeepAlive = false;
            return this;
        }

        async Task IStreamingBody.WriteAsync(byte[] bytes, CancellationToken cancellationToken)
        {
            var output = _response.OutputStream;
            await output.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        public void Complete() => _response.OutputStream.Close();

        public void Close() => _response.Close();
    }
}
