def log = new File(basedir, 'build.log').text
assert log.contains('consumer-roundtrip OK')
// Without --enable-native-access the runtime calls no restricted method, so the JDK prints no warning.
assert !log.contains('restricted method') : 'the runtime called a restricted method without native access'
