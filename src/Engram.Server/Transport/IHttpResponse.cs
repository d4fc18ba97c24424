using System.Threading;
using System.Threading.Tasks;

namespace Engram.Server.Transport
{
    /// <summary>A response: headers first, then either one whole body or a streamed one.</summary>
    internal interface IHttpResponse
    {
        /// <summary>Sets a header; only before the body starts.</summary>
        void SetHeader(string name, string value);

        /// <summary>A whole body with its status and length; the body is complete when this returns.</summary>
        Task SendAsync(int status, string contentType, byte[] body, CancellationToken cancellationToken);

        /// <summary>A body written piece by piece (chunked; the connection closes after it). Headers go out with the first write.</summary>
        IStreamingBody StartStreaming(int status, string contentType);

        /// <summary>Ends the exchange; a response whose body was never started goes out as it stands.</summary>
        void Close();
    }
}
