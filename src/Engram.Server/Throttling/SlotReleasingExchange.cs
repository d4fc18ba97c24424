using System;
using System.Threading;
using System.Threading.Tasks;
using Engram.Server.Transport;

namespace Engram.Server.Throttling
{
    /// <summary>
    /// An exchange that gives its tenant slot back before the client can see the end of the response: before
    /// a whole body is written, and before a stream's last frame. A client that sends its next request the
    /// moment it has read an answer therefore always finds its slot free (N sequential workers, cap N: no 429).
    /// </summary>
    internal sealed class SlotReleasingExchange : IHttpExchange, IHttpResponse, IStreamingBody
    {
        private readonly IHttpExchange _inner;
        private readonly IDisposable _slot;
        private IStreamingBody? _stream;

        public SlotReleasingExchange(IHttpExchange inner, IDisposable slot)
        {
            _inner = inner;
            _slot = slot;
        }

        public IHttpRequest Request => _inner.Request;

        public IHttpResponse Response => this;

        public bool IsClientGone(Exception exception) => _inner.IsClientGone(exception);

        public void SetHeader(string name, string value) => _inner.Response.SetHeader(name, value);

        public Task SendAsync(int status, string contentType, byte[] body, CancellationToken cancellationToken)
        {
            _slot.Dispose();
            return _inner.Response.SendAsync(status, contentType, body, cancellationToken);
        }

        public IStreamingBody StartStreaming(int status, string contentType)
        {
            _stream = _inner.Response.StartStreaming(status, contentType);
            return this;
        }

        public void Close()
        {
            _slot.Dispose();
            _inner.Response.Close();
        }

        Task IStreamingBody.WriteAsync(byte[] bytes, CancellationToken cancellationToken) => Stream.WriteAsync(bytes, cancellationToken);

        Task IStreamingBody.WriteLastAsync(byte[] bytes, CancellationToken cancellationToken)
        {
            _slot.Dispose();
            return Stream.WriteLastAsync(bytes, cancellationToken);
        }

        void IStreamingBody.Complete()
        {
            _slot.Dispose();
            Stream.Complete();
        }

        private IStreamingBody Stream => _stream ?? throw new InvalidOperationException("The response is not streaming.");
    }
}
