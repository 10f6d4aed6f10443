@echo off
rem Crowdfund on Windows: the same targets as build.sh, against an existing PostgreSQL (15+).
rem   set CROWDFUND_DB=Host=127.0.0.1;Port=5432;Username=...;Password=...;Database=crowdfund
rem   build.cmd build | run [port] | test | bench
rem The test target uses CROWDFUND_DB as is: point it at a database reserved for tests.
setlocal
cd /d "%~dp0"
set DOTNET_CLI_TELEMETRY_OPTOUT=1
set DOTNET_NOLOGO=1
set TARGET=%1
if "%TARGET%"=="" goto usage

where dotnet >nul 2>nul || (echo error: the .NET 10 SDK ^(dotnet^) is not on PATH & exit /b 1)
dotnet build Crowdfund.sln -c Release -nologo -v q -clp:ErrorsOnly || exit /b 1
if "%TARGET%"=="build" exit /b 0

if "%CROWDFUND_DB%"=="" (echo error: set CROWDFUND_DB to the connection string of an existing PostgreSQL & exit /b 1)

if "%TARGET%"=="run" goto run
if "%TARGET%"=="test" goto test
if "%TARGET%"=="bench" goto bench
goto usage

:run
set PORT=%2
if "%PORT%"=="" set PORT=5080
set /a OFFSET=%PORT%-5080
set /a Crowdfund__Silo__SiloPort=11111+%OFFSET%
set /a Crowdfund__Silo__GatewayPort=30000+%OFFSET%
set ConnectionStrings__Crowdfund=%CROWDFUND_DB%
set ASPNETCORE_URLS=http://127.0.0.1:%PORT%
set Crowdfund__Seed__Demo=true
if "%Crowdfund__TeamApiKey%"=="" (echo error: set Crowdfund__TeamApiKey and Crowdfund__TokenSecret ^(32+ characters^) & exit /b 1)
if not "%STRIPE_SECRET_KEY%"=="" goto stripe
rem No Stripe keys: the project's Stripe emulator on loopback. Its test-mode keys guard nothing real.
if "%STRIPE_EMULATOR_PORT%"=="" set STRIPE_EMULATOR_PORT=12111
set Crowdfund__Stripe__ApiBase=http://127.0.0.1:%STRIPE_EMULATOR_PORT%
set Crowdfund__Stripe__SecretKey=sk_test_emulator_windows
set Crowdfund__Stripe__PublishableKey=pk_test_emulator_windows
set Crowdfund__Stripe__WebhookSecret=whsec_emulator_windows
set StripeEmulator__SecretKey=%Crowdfund__Stripe__SecretKey%
set StripeEmulator__PublishableKey=%Crowdfund__Stripe__PublishableKey%
set StripeEmulator__WebhookSecret=%Crowdfund__Stripe__WebhookSecret%
set StripeEmulator__WebhookUrl=http://127.0.0.1:%PORT%/webhooks/stripe
start "Stripe emulator" /b dotnet src\Crowdfund.StripeEmulator\bin\Release\net10.0\Crowdfund.StripeEmulator.dll --urls http://127.0.0.1:%STRIPE_EMULATOR_PORT%
echo Stripe: no STRIPE_SECRET_KEY; started the Stripe emulator on http://127.0.0.1:%STRIPE_EMULATOR_PORT%
goto host
:stripe
set Crowdfund__Stripe__SecretKey=%STRIPE_SECRET_KEY%
set Crowdfund__Stripe__PublishableKey=%STRIPE_PUBLISHABLE_KEY%
set Crowdfund__Stripe__WebhookSecret=%STRIPE_WEBHOOK_SECRET%
echo Stripe: STRIPE_SECRET_KEY is set; talking to Stripe.
:host
echo Crowdfund: starting on http://127.0.0.1:%PORT%; Ctrl-C stops it.
dotnet src\Crowdfund.Host\bin\Release\net10.0\Crowdfund.Host.dll --contentRoot "%~dp0src\Crowdfund.Host"
exit /b %ERRORLEVEL%

:test
dotnet test Crowdfund.sln -c Release --no-build -nologo
exit /b %ERRORLEVEL%

:bench
echo The benchmark needs wrk, which Windows lacks; run ./build.sh bench under WSL or Linux.
exit /b 1

:usage
echo usage: build.cmd build ^| run [port] ^| test ^| bench
exit /b 2
