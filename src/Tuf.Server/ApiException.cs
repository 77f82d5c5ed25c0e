namespace Tuf.Server;

/// <summary>A request the server refuses, with the HTTP status and a stable error code for the JSON body.</summary>
internal sealed class ApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ApiException(int statusCode, string code, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
    }

    /// <summary>Creates the exception.</summary>
    public ApiException()
        : this(StatusCodes.Status500InternalServerError, ErrorCodes.Internal, "internal error")
    {
    }

    /// <summary>Creates the exception.</summary>
    public ApiException(string message)
        : this(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = StatusCodes.Status400BadRequest;
        Code = ErrorCodes.BadRequest;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The stable error code (see <see cref="ErrorCodes"/>).</summary>
    public string Code { get; }

    /// <summary>Seconds for a <c>Retry-After</c> header, when the client should simply try again later.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>The <c>WWW-Authenticate</c> challenge of a 401 (a bare bearer challenge when null).</summary>
    public string? Challenge { get; init; }

    /// <summary>400 with a code.</summary>
    public static ApiException BadRequest(string code, string message) => new(StatusCodes.Status400BadRequest, code, message);
}
