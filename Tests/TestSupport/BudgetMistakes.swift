/// budgets.toml mistakes with the exact message each must give: the parser's tests
/// check the message, the command line's that `validate` and `check` print it and
/// exit 2.
public enum BudgetMistakes {
  public static let all: [(String, String)] = [
    (
      "[image.api]\nbase_image = \"Python:3.11-slim\"",
      "budgets.toml:2:14: base_image \"Python:3.11-slim\": \"Python\": a repository name must be lower case; write a reference as in FROM (\"python:3.11-slim\", \"registry.example.com/team/base:1.0\", \"NAME@sha256:…\") or oci:DIR[:TAG], oci-archive:PATH, docker-archive:PATH, docker://HOST/REPO:TAG"
    ),
    (
      "[image.api]\nbase_image = \"python@sha256:abc\"",
      "budgets.toml:2:14: base_image \"python@sha256:abc\": \"sha256:abc\" is not a digest: write sha256: and 64 lower-case hexadecimal digits; write a reference as in FROM (\"python:3.11-slim\", \"registry.example.com/team/base:1.0\", \"NAME@sha256:…\") or oci:DIR[:TAG], oci-archive:PATH, docker-archive:PATH, docker://HOST/REPO:TAG"
    ),
    (
      "[image.api]\nbase_image = \"docker://python:3.11-slim\"",
      "budgets.toml:2:14: base_image \"docker://python:3.11-slim\" names no registry host after docker://: write docker://HOST[:PORT]/REPO:TAG, or the reference without docker:// (\"python:3.11-slim\" is docker.io/library/python:3.11-slim)"
    ),
    (
      "[image.api]\nbase_image = \"docker-daemon:api\"",
      "budgets.toml:2:14: base_image \"docker-daemon:api\" is a stream, but the base is read by manifest only: write a reference as in FROM (\"python:3.11-slim\", \"registry.example.com/team/base:1.0\", \"NAME@sha256:…\") or oci:DIR[:TAG], oci-archive:PATH, docker-archive:PATH, docker://HOST/REPO:TAG"
    ),
    (
      "[hook]\npredict = \"refuze\"",
      "budgets.toml:2:11: predict \"refuze\" is unknown: did you mean \"refuse\"? use \"refuse\", \"warn\" or \"off\""
    ),
    (
      "[hook]\npredcit = \"warn\"",
      "budgets.toml:2:1: unknown key \"predcit\" in [hook]: did you mean \"predict\"?"
    ),
    (
      "[image.api]\ndockerfile = \"../api.Dockerfile\"",
      "budgets.toml:2:14: dockerfile \"../api.Dockerfile\" must be a file's path relative to the repository root, like \"docker/api.Dockerfile\""
    ),
    (
      "[image.api]\ntarget = \"run time\"",
      "budgets.toml:2:10: target \"run time\" is not a stage name: a stage is named by FROM … AS NAME (letters, digits, -, _, .)"
    ),
    (
      "[image.api]\nmax_grwth = \"+5%\"",
      "budgets.toml:2:1: unknown key \"max_grwth\" in [image.api]: did you mean \"max_growth\"?"
    ),
    (
      "[image.api]\nmax = 450",
      "budgets.toml:2:7: max must be a size like \"450 MB\", got the integer 450 (write \"450 MB\", or \"450 B\" for bytes)"
    ),
    (
      "[image.api]\nmax = \"450 mb\"",
      "budgets.toml:2:7: max: unknown unit \"mb\" in \"450 mb\": did you mean \"MB\"? use B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)"
    ),
    (
      "[image.api]\nmax = \"lots\"",
      "budgets.toml:2:7: max: \"lots\" is not a size: expected a number and a unit, like \"450 MB\""
    ),
    (
      "[image.api]\nwarn = \"500 MB\"\nmax = \"450 MB\"",
      "budgets.toml:2:8: warn (500 MB) must be below max (450 MB), or it never warns before failing"
    ),
    (
      "[image.api]\nmax_growth = \"-5%\"",
      "budgets.toml:2:14: max_growth: growth \"-5%\" cannot be negative: write how much the image may grow, like \"+5%\""
    ),
    (
      "[image.api]\nmax_growth = 5",
      "budgets.toml:2:14: max_growth must be a string like \"+5%\" or \"+20 MB\", got the integer 5"
    ),
    (
      "[defaults]\nmetric = \"compresed\"",
      "budgets.toml:2:10: metric \"compresed\" is unknown: did you mean \"compressed\"? use \"compressed\" or \"uncompressed\""
    ),
    ("[defaults]\nbse = \"main\"", "budgets.toml:2:1: unknown key \"bse\" in [defaults]: did you mean \"base\"?"),
    (
      "[images.api]\nmax = \"1 GB\"",
      "budgets.toml:1:2: unknown key \"images\" in the top level: did you mean \"image\"?"
    ),
    (
      "[image]\napi = \"450 MB\"",
      "budgets.toml:2:7: image.api must be a table: write [image.api] and its budgets below it, got the string \"450 MB\""
    ),
    (
      "[image.api]\nforbid = \"/usr/bin/gcc\"",
      "budgets.toml:2:10: forbid must be an array of strings like [\"**/__pycache__/**\", \"/usr/bin/gcc*\"], got the string \"/usr/bin/gcc\""
    ),
    (
      "[image.api]\nforbid = [\"/usr/**gcc\"]",
      "budgets.toml:2:11: forbid pattern \"/usr/**gcc\": '**' must be a whole path segment, like \"/usr/**/gcc\""
    ),
    ("[image.api]\nforbid = [\"/a\", 3]", "budgets.toml:2:17: forbid must hold only strings, got the integer 3"),
    (
      "[image.api]\ncontext = [\"/abs/path\"]",
      "budgets.toml:2:12: context path \"/abs/path\" must be relative to the repository root, like \"api/\""
    ),
    (
      "[image.api]\nrequire = [\"app/sdk\"]",
      "budgets.toml:2:12: require path \"app/sdk\" must be an absolute path in the image, like \"/app/sdk\""
    ),
    (
      "[image.api]\nsource = \"build/api.tar\"",
      "budgets.toml:2:10: source \"build/api.tar\" names no transport: use docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH, docker://HOST/REPO:TAG or docker-daemon:REF"
    ),
    (
      "[image.api.paths]\n\"usr/lib\" = \"1 GB\"",
      "budgets.toml:2:1: [image.api.paths]: \"usr/lib\" must be an absolute path in the image, like \"/usr/lib\""
    ),
    (
      "[image.\"my api\"]\nmax = \"1 GB\"",
      "budgets.toml:1:8: image name \"my api\" may hold only letters, digits, '.', '_' and '-'"
    ),
    (
      "[notify]\nwebhook = \"https://x.example\"\nsecret = \"whsec_abc\"",
      "budgets.toml:3:1: secret must not be written in budgets.toml, which is committed: put it in an environment variable and name that variable with secret_env"
    ),
    (
      "[notify]\nwebhook = \"http://hooks.example.com/x\"",
      "budgets.toml:2:11: webhook \"http://hooks.example.com/x\" uses plain http:// to a host that is not loopback: use https://, or set allow_insecure = true in [notify] if you accept that"
    ),
    (
      "[notify]\nwebhook = \"https://x.example\"\non = [\"violations\"]",
      "budgets.toml:3:7: unknown event \"violations\": did you mean \"violation\"? use \"violation\", \"check\", \"bisect\", \"report\""
    ),
    (
      "[notify]\nwebhook = \"https://x.example\"\nsecret_env = \"whsec_a+b/c=\"",
      "budgets.toml:3:14: secret_env must name an environment variable (like \"SIZEBUDGET_WEBHOOK_SECRET\"), not hold its value"
    ),
    (
      "[report]\nto = [\"platform team\"]",
      "budgets.toml:2:7: \"platform team\" is not an email address like \"team@example.com\""
    ),
    (
      "[report]\nsmtp = \"smtp://user:pw@mail.example.com\"",
      "budgets.toml:2:8: smtp must not carry a user or password: name their environment variables with user_env and password_env"
    ),
    (
      "[report]\nsmtp = \"mail.example.com:25\"",
      "budgets.toml:2:8: smtp must be an smtp://HOST[:PORT] or smtps://HOST[:PORT] URL, got \"mail.example.com:25\""
    ),
    ("[defaults]\npath_depth = 0", "budgets.toml:2:14: path_depth must be an integer from 1 to 32, got the integer 0"),
    (
      "[image.api]\nbuild_timeout = \"10 minutes\"",
      "budgets.toml:2:17: build_timeout must be a duration such as \"90s\", \"45m\" or \"2h\" (1 s to 7 days), got \"10 minutes\""
    ),
    (
      "[image.api]\nbuild_timeout = \"0s\"",
      "budgets.toml:2:17: build_timeout must be a duration such as \"90s\", \"45m\" or \"2h\" (1 s to 7 days), got \"0s\""
    ),
    (
      "[image.api]\nbuild_timeout = 600",
      "budgets.toml:2:17: build_timeout must be a string like \"45m\", got the integer 600"
    ),
    (
      "[image.api]\nmax = \"1 GB\"\nmax = \"2 GB\"",
      "budgets.toml:3:1: duplicate key 'max': it is already a string value (at 2:1)"
    ),
  ]
}
