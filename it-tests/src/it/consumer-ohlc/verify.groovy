def log = new File(basedir, 'build.log').text
assert log.contains('consumer-ohlc OK')
