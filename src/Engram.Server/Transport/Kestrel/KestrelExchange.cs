using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Engram.Server.Transport.Kestrel
{
    /// <summary>One Kestrel request, seen through the transport seam by its request and response features.</summary>
    internal sealed class KestrelExchange : IHttpExchange, IHttpRequest, IHttpResponse, IStreamingBody, IDisposable
    {
        private readonly IHttpRequestFeature _request;
        private readonly IHttpResponseFeature _response;
        private readonly IHttpRequestLifetimeFeature _lifetime;
        private readonly TimeSpan _writeTimeout;

        public KestrelExchange(IFeatureCollection features, TimeSpan writeTimeout)
        {
            _request = features.Get<IHttpRequestFeature>();
            _response = features.Get<IHttpResponseFeature>();
            _lifetime = features.Get<IHttpRequestLifetimeFeature>();
            _writeTimeout = writeTimeout;
        }

        public IHttpRequest Request => this;

        public IHttpResponse Response => this;

        public string Method => _request.Method;

        public string RawTarget => string.IsNullOrEmpty(_request.RawTarget) ? "/" : _request.RawTarget;

        public long? ContentLength => _request.Headers.ContentLength;

        public bool HasBody => ContentLength > 0 || _request.Headers.ContainsKey("Transfer-Encoding");

        public Stream Body => _request.Body;

        public bool IsClientGone(Exception exception) =>
            exception is IOException || exception is ObjectDisposedException || exception is ConnectionAbortedException
            || exception is BadHttpRequestException
            || (exception is OperationCanceledException && _lifetime.RequestAborted.IsCancellationRequested);

        public string? Header(string name) =>
            _request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

        public void SetHeader(string name, string value) => _response.Headers[name] = value;

        public async Task SendAsync(int status, string contentType, byte[] body, CancellationToken cancellationToken)
        {
            _response.StatusCode = status;
            _response.Headers["Content-Type"] = contentType;
            _response.Headers.ContentLength = body.Length;
            await WriteWithTimeoutAsync(body, flush: false, cancellationToken).ConfigureAwait(false);
        }

        public IStreamingBody StartStreaming(int status, string contentType)
        {
            _response.StatusCode = status;
            _response.Headers["Content-Type"] = contentType;
            // An event stream ends its connection (wire spec §8.1), so no client reuses it half-read.
            _response.Headers["Connection"] = "close";
            return this;
        }

        Task IStreamingBody.WriteAsync(byte[] bytes, CancellationToken cancellationToken) =>
            WriteWithTimeoutAsync(bytes, flush: true, cancellationToken);

        Task IStreamingBody.WriteLastAsync(byte[] bytes, CancellationToken cancellationToken) =>
            WriteWithTimeoutAsync(bytes, flush: true, cancellationToken);

        public void Complete()
        {
            // Kestrel ends the body when the request's task completes.
        }

        public void Close()
        {
            // Likewise: the response goes out as it stands when the request's task completes.
        }

        /// <summary>Cuts the connection (a server abort, or a client that stopped reading).</summary>
        public void Abort() => _lifetime.Abort();

        public void Dispose()
        {
        }

        /// <summary>
        /// A write that does not complete within the write timeout means the client stopped reading: the
        /// connection is cut, which frees the request's slot and its buffered bytes.
        /// </summary>
        private async Task WriteWithTimeoutAsync(byte[] bytes, bool flush, CancellationToken cancellationToken)
        {
            if (_lifetime.RequestAborted.IsCancellationRequested)
            {
                throw new IOException("The client has disconnected.");
            }

            var write = WriteAsync(bytes, flush, cancellationToken);
            using (var timer = new CancellationTokenSource())
            {
                var timeout = Task.Delay(_writeTimeout, timer.Token);
                if (await Task.WhenAny(write, timeout).ConfigureAwait(false) == timeout)
                {
                    Abort();
                    _ = write.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    throw new IOException("The client did not read the response within " + _writeTimeout.TotalSeconds + " s; connection closed.");
                }

                timer.Cancel();
            }

            await write.ConfigureAwait(false);
            if (_lifetime.RequestAborted.IsCancellationRequested)
            {
                throw new IOException("The client has disconnected.");
            }
        }

        private async Task WriteAsync(byte[] bytes, bool flush, CancellationToken cancellationToken)
        {
            var body = _response.Body;
            await body.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
            if (flush)
            {
                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
