using System;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engram.Server.Transport.Kestrel
{
    /// <summary>
    /// Kestrel's own warnings (connections refused at the cap, accept failures, timed-out clients) go to the
    /// server's log as one-line notes; debug chatter does not. Kestrel never logs headers or bodies at these levels.
    /// </summary>
    internal sealed class TransportLoggerFactory : ILoggerFactory
    {
        private readonly Action<string>? _log;

        public TransportLoggerFactory(Action<string>? log)
        {
            _log = log;
        }

        public ILogger CreateLogger(string categoryName) =>
            _log == null ? (ILogger)NullLogger.Instance : new NoteLogger(_log);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class NoteLogger : ILogger
        {
            private readonly Action<string> _log;

            public NoteLogger(Action<string> log)
            {
                _log = log;
            }

            public IDisposable BeginScope<TState>(TState state)
                where TState : notnull => NullScope.Instance;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel))
                {
                    return;
                }

                var note = "transport: " + formatter(state, exception);
                _log(exception == null ? note : note + " (" + exception.GetType().Name + ")");
            }
        }

        private sealed class NullScope : IDisposable
        {
            public static readonly NullScope Instance = new NullScope();

            public void Dispose()
            {
            }
        }
    }
}
