def seed_people(*, size, stdout):
    stdout.write("关爱对象:尚未生成")
