namespace Tuf.Rollout.Swarm;

/// <summary>The docker daemon refused a request or could not be reached.</summary>
public class DockerException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public DockerException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public DockerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public DockerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
