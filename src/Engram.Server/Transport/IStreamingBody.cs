using System.Threading;
using System.Threading.Tasks;

namespace Engram.Server.Transport
{
    /// <summary>A streamed response body.</summary>
    internal interface IStreamingBody
    {
        /// <summary>Writes <paramref name="bytes"/> and flushes them, so the client sees them at once.</summary>
        Task WriteAsync(byte[] bytes, CancellationToken cancellationToken);

        /// <summary>Ends the body.</summary>
        void Complete();
    }
}
