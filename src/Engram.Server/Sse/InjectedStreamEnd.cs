using System;

namespace Engram.Server.Sse
{
    /// <summary>An injected fault ended the stream here: nothing more is written, the connection just closes.</summary>
    internal sealed class InjectedStreamEnd : Exception
    {
        public InjectedStreamEnd()
            : base("The stream was ended by an injected fault.")
        {
        }
    }
}
