using System;
using System.Threading;
using System.Threading.Tasks;
using Engram.Server.Transport;

namespace Engram.Server.Hosting
{
    /// <summary>Remembers the status a request was answered with, for its log line.</summary>
    internal sealed class StatusRecordingExchange : IHttpExchange, IHttpResponse
    {
        private readonly IHttpExchange _inner;

        public StatusRecordingExchange(IHttpExchange inner)
        {
            _inner = inner;
        }

        /// <summary>0 until a response starts.</summary>
        public int Status { get; private set; }

        public IHttpRequest Request => _inner.Request;

        public IHttpResponse Response => this;

        public bool IsClientGone(Exception exception) => _inner.IsClientGone(exception);

        public void SetHeader(string name, string value) => _inner.Response.SetHeader(name, value);

        public Task SendAsync(int status, string contentType, byte[] body, CancellationToken cancellationToken)
        {
            Status = status;
            return _inner.Response.SendAsync(status, contentType, body, cancellationToken);
        }

        public IStreamingBody StartStreaming(int status, string contentType)
        {
            Status = status;
            return _inner.Response.StartStreaming(status, contentType);
        }

        public void Close() => _inner.Response.Close();
    }
}
