using System;

namespace Engram.Server.Transport
{
    /// <summary>One request and its response.</summary>
    internal interface IHttpExchange
    {
        IHttpRequest Request { get; }

        IHttpResponse Response { get; }

        /// <summary>True when <paramref name="exception"/> means the client hung up (the implementation's own exception types).</summary>
        bool IsClientGone(Exception exception);
    }
}
