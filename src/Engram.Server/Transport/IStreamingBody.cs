using System.Threading;
using System.Threading.Tasks;

namespace Engram.Server.Transport
{
    /// <summary>A streamed response body.</summary>
    internal interface IStreamingBody
    {
        /// <summary>Writes <paramref name="bytes"/> and flushes them, so the client sees them at once.</summary>
        Task WriteAsync(byte[] bytes, CancellationToken cancellationToken);

        /// <summary>
        /// Writes the body's last bytes and flushes them; nothing but <see cref="Complete"/> follows. Work that must
        /// be over before the client can see the end of the response (releasing its slot) happens before it.
        /// </summary>
        Task WriteLastAsync(byte[] bytes, CancellationToken cancellationToken);

        /// <summary>Ends the body.</summary>
        void Complete();
    }
}
