var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/healthz", () => "ok");
app.Run();

/// <summary>The server's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
